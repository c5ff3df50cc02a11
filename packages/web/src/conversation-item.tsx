/** One conversation in the sidebar: its link, rename (inline) and delete. */
import { useSignal } from '@preact/signals';
import { generationOf, stopGeneration } from './chat-generation.js';
import type { Conversation } from './conversation.js';
import { displayTitle, removeConversation, renameConversation } from './conversations-state.js';
import { PencilIcon, TrashIcon } from './icons.js';
import { chatHref } from './router.js';

export function ConversationItem({ conversation, current }: { conversation: Conversation; current: boolean }) {
  const renaming = useSignal(false);
  const title = displayTitle(conversation);
  const generating = generationOf(conversation.id) !== undefined;

  if (renaming.value) {
    const finish = (input: HTMLInputElement, save: boolean) => {
      if (!renaming.value) return;
      renaming.value = false;
      if (save && input.value.trim()) renameConversation(conversation.id, input.value);
    };
    return (
      <li class="conversation-item renaming" data-testid="conversation-item">
        <input
          class="rename-input"
          data-testid="rename-input"
          aria-label="Conversation title"
          defaultValue={conversation.title}
          ref={(input) => input?.focus()}
          onKeyDown={(event) => {
            if (event.key === 'Enter') finish(event.currentTarget, true);
            if (event.key === 'Escape') {
              event.preventDefault(); // ends the rename only, not the overlay sidebar
              finish(event.currentTarget, false);
            }
          }}
          onBlur={(event) => finish(event.currentTarget, true)}
        />
      </li>
    );
  }

  return (
    <li class={`conversation-item${current ? ' current' : ''}`} data-testid="conversation-item">
      <a href={chatHref(conversation.id)} aria-current={current ? 'page' : undefined} title={title}>
        {title}
        {generating && <span class="generating" aria-label="(writing a reply)" />}
      </a>
      <button
        type="button"
        class="icon-button"
        data-testid="rename"
        aria-label={`Rename “${title}”`}
        title="Rename"
        onClick={() => (renaming.value = true)}
      >
        <PencilIcon />
      </button>
      <button
        type="button"
        class="icon-button"
        data-testid="delete"
        aria-label={`Delete “${title}”`}
        title="Delete"
        onClick={() => {
          if (!window.confirm(`Delete the conversation “${title}”? This cannot be undone.`)) return;
          stopGeneration(conversation.id);
          void removeConversation(conversation.id);
        }}
      >
        <TrashIcon />
      </button>
    </li>
  );
}
