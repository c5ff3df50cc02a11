/** Copies a message's text; says "Copied" for a moment. */
import { useSignal } from '@preact/signals';
import { showError } from './error-state.js';

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Served over plain http on a LAN address: the Clipboard API is not available there.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

export function CopyButton({ text }: { text: string }) {
  const copied = useSignal(false);
  return (
    <button
      type="button"
      class="button small"
      data-testid="copy"
      aria-label={copied.value ? 'Copied' : 'Copy message'}
      onClick={() =>
        void copyText(text).then(() => {
          copied.value = true;
          setTimeout(() => (copied.value = false), 1500);
        }, showError)
      }
    >
      {copied.value ? 'Copied' : 'Copy'}
    </button>
  );
}
