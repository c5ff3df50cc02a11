/** One message: Markdown for replies (with collapsed reasoning), plain text for the user's, and its actions. */
import { useSignal } from '@preact/signals';
import { useMemo } from 'preact/hooks';
import type { Message, ReplyEnding } from './conversation.js';
import { CopyButton } from './copy-button.js';
import { renderMarkdown } from './markdown.js';
import { formatStats } from './reply-stats.js';

// Said under a reply that ended short, so that a cut-off answer is not taken for a whole one.
const ENDING_NOTES: Record<ReplyEnding, string> = {
  'max-tokens': 'Cut off: the reply reached its max tokens (Settings).',
  stopped: 'Stopped.',
  interrupted: 'Interrupted before the end (an error, or the page was closed).',
};

interface Props {
  message: Message;
  streaming?: boolean;
  busy: boolean;
  canRegenerate?: boolean;
  onRegenerate?: () => void;
  onEdit?: (text: string) => void;
}

export function MessageView({ message, streaming = false, busy, canRegenerate = false, onRegenerate, onEdit }: Props) {
  const editing = useSignal(false);
  const draft = useSignal('');
  const html = useMemo(() => (message.role === 'assistant' ? renderMarkdown(message.content) : ''), [message.role, message.content]);
  const who = message.role === 'user' ? 'You' : 'Assistant';

  return (
    <article class={`message ${message.role}`} data-testid="message" data-role={message.role} aria-label={who} aria-busy={streaming}>
      <div class="message-author" aria-hidden="true">
        {who}
      </div>
      {message.reasoning && (
        <details class="reasoning" data-testid="reasoning">
          <summary>{streaming && !message.content ? 'Thinking…' : 'Reasoning'}</summary>
          <div class="reasoning-text">{message.reasoning}</div>
        </details>
      )}
      {editing.value ? (
        <form
          class="edit-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (draft.value.trim() === '') return;
            editing.value = false;
            onEdit?.(draft.value);
          }}
        >
          <textarea
            data-testid="edit-input"
            aria-label="Edit message"
            value={draft.value}
            rows={3}
            ref={(element) => element?.focus()}
            onInput={(event) => (draft.value = event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.stopPropagation();
                editing.value = false;
              }
            }}
          />
          <div class="message-actions">
            <button type="submit" class="button primary" data-testid="edit-save" disabled={busy || draft.value.trim() === ''}>
              Save and send
            </button>
            <button type="button" class="button" data-testid="edit-cancel" onClick={() => (editing.value = false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : message.role === 'assistant' ? (
        // Sanitized by renderMarkdown (DOMPurify).
        <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} />
      ) : (
        <div class="user-text">{message.content}</div>
      )}
      {!streaming && !editing.value && (
        <div class="message-actions">
          <CopyButton text={message.content} />
          {message.role === 'user' && onEdit && (
            <button
              type="button"
              class="button small"
              data-testid="edit"
              disabled={busy}
              onClick={() => {
                draft.value = message.content;
                editing.value = true;
              }}
            >
              Edit
            </button>
          )}
          {canRegenerate && (
            <button type="button" class="button small" data-testid="regenerate" onClick={onRegenerate}>
              Regenerate
            </button>
          )}
          {message.ending && (
            <span class="stats" data-testid="reply-ending">
              {ENDING_NOTES[message.ending]}
            </span>
          )}
          {message.stats && formatStats(message.stats) && (
            <span class="stats" data-testid="stats">
              {formatStats(message.stats)}
            </span>
          )}
        </div>
      )}
    </article>
  );
}
