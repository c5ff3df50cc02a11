/** The message box: Enter sends, Shift+Enter adds a line, Esc stops the reply. */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';

interface Props {
  generating: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
}

export function Composer({ generating, onSend, onStop }: Props) {
  const text = useSignal('');

  // Esc stops the reply wherever the focus is (the textarea handles it too, first).
  useEffect(() => {
    if (!generating) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onStop();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [generating, onStop]);

  const send = () => {
    if (generating || text.value.trim() === '') return;
    onSend(text.value);
    text.value = '';
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label for="composer" class="visually-hidden">
        Message
      </label>
      <textarea
        id="composer"
        data-testid="composer"
        rows={2}
        placeholder="Message (Enter to send, Shift+Enter for a new line)"
        value={text.value}
        onInput={(event) => (text.value = event.currentTarget.value)}
        onKeyDown={(event) => {
          // isComposing: Enter that confirms an IME composition is not a send.
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            send();
          }
        }}
      />
      {generating ? (
        <button type="button" class="button danger" data-testid="stop" onClick={onStop}>
          Stop
        </button>
      ) : (
        <button type="submit" class="button primary" data-testid="send" disabled={text.value.trim() === ''}>
          Send
        </button>
      )}
    </form>
  );
}
