/** Asks for the server's API key when a request is refused with 401. */
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { apiKeyRequest, cancelApiKey, submitApiKey } from './api-client.js';

export function ApiKeyDialog() {
  const request = apiKeyRequest.value;
  const dialog = useRef<HTMLDialogElement>(null);
  const key = useSignal('');

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (request && !element.open) {
      key.value = '';
      element.showModal();
    }
    if (!request && element.open) element.close();
  }, [request]);

  return (
    <dialog
      ref={dialog}
      class="dialog"
      data-testid="api-key-dialog"
      aria-labelledby="api-key-title"
      onCancel={(event) => {
        event.preventDefault();
        cancelApiKey();
      }}
    >
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          if (key.value.trim()) submitApiKey(key.value.trim());
        }}
      >
        <h2 id="api-key-title">API key needed</h2>
        <p>This GPT4All server is protected by an API key. Ask whoever started it (it is the key given to gpt4all serve).</p>
        {request?.wrongKey && (
          <p class="inline-error" role="alert">
            That key was not accepted. Please check it and try again.
          </p>
        )}
        <div class="field">
          <label for="api-key-input">API key</label>
          <input
            id="api-key-input"
            data-testid="api-key-input"
            type="password"
            autocomplete="off"
            value={key.value}
            onInput={(event) => (key.value = event.currentTarget.value)}
          />
        </div>
        <div class="dialog-actions">
          <button type="button" class="button" onClick={cancelApiKey}>
            Cancel
          </button>
          <button type="submit" class="button primary" data-testid="api-key-submit" disabled={key.value.trim() === ''}>
            Save key
          </button>
        </div>
      </form>
    </dialog>
  );
}
