/** A labelled number field that saves each valid value (within its range) as it is typed. */
import { inRange, type SettingRange } from './conversation-settings.js';

interface Props extends SettingRange {
  id: string;
  label: string;
  hint?: string;
  value: number;
  onChange: (value: number) => void;
}

export function NumberSetting({ id, label, hint, value, min, max, step, integer, onChange }: Props) {
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
          if (event.currentTarget.value !== '' && inRange(parsed, { min, max, step, integer })) onChange(parsed);
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
