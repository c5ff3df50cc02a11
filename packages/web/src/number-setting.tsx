/** A labelled number field that saves each valid value as it is typed. */
interface Props {
  id: string;
  label: string;
  hint?: string;
  value: number;
  min: number;
  max?: number;
  step: number;
  integer?: boolean;
  onChange: (value: number) => void;
}

export function NumberSetting({ id, label, hint, value, min, max, step, integer = false, onChange }: Props) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        data-testid={id}
        type="number"
        inputMode={integer ? 'numeric' : 'decimal'}
        min={min}
        max={max}
        step={step}
        // Uncontrolled: a value half typed ("0.") must not be overwritten by the last valid one.
        defaultValue={String(value)}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onInput={(event) => {
          const parsed = Number(event.currentTarget.value);
          const valid =
            event.currentTarget.value !== '' && Number.isFinite(parsed) && parsed >= min && (max === undefined || parsed <= max) && (!integer || Number.isInteger(parsed));
          if (valid) onChange(parsed);
        }}
      />
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
    </div>
  );
}
