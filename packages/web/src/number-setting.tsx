/**
 * A labelled number field that saves each valid value (within its range) as it is typed; an
 * invalid one is not saved and the field says why (`aria-invalid`, the range under it).
 */
import { useSignal } from '@preact/signals';
import { inRange, type SettingRange } from './conversation-settings.js';

interface Props extends SettingRange {
  id: string;
  label: string;
  hint?: string;
  value: number;
  onChange: (value: number) => void;
}

export function NumberSetting({ id, label, hint, value, min, max, step, integer, onChange }: Props) {
  const invalid = useSignal(false);
  const describedBy = [hint && `${id}-hint`, invalid.value && `${id}-error`].filter(Boolean).join(' ');
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
        aria-invalid={invalid.value}
        aria-describedby={describedBy || undefined}
        onInput={(event) => {
          const text = event.currentTarget.value;
          const parsed = Number(text);
          const valid = text !== '' && inRange(parsed, { min, max, step, integer });
          invalid.value = !valid;
          if (valid) onChange(parsed);
        }}
      />
      {invalid.value && (
        <small id={`${id}-error`} class="inline-error" data-testid={`${id}-error`}>
          {`Not saved: use ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}. The conversation keeps ${value}.`}
        </small>
      )}
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
    </div>
  );
}
