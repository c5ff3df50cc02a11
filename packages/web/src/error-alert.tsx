/** The alert region where server and app errors show. */
import { clearError, errorMessage } from './error-state.js';
import { CloseIcon } from './icons.js';

export function ErrorAlert() {
  const message = errorMessage.value;
  if (!message) return null;
  return (
    <div class="error-alert" role="alert" data-testid="error">
      <span>{message}</span>
      <button type="button" class="icon-button" aria-label="Dismiss error" onClick={clearError}>
        <CloseIcon />
      </button>
    </div>
  );
}
