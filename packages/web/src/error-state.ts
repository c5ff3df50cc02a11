/** The app's one error message, shown in the alert region until dismissed or replaced. */
import { signal } from '@preact/signals';

export const errorMessage = signal<string | null>(null);

export function showError(error: unknown): void {
  if (error instanceof DOMException && error.name === 'AbortError') return; // the user stopped it
  errorMessage.value = error instanceof Error ? error.message : String(error);
}

export function clearError(): void {
  errorMessage.value = null;
}
