/** Conversations: new chat, the list, export and import; on a narrow screen an overlay with its own close button. */
import { useEffect, useRef } from 'preact/hooks';
import { conversations, currentConversation, openNewChat } from './conversations-state.js';
import { ConversationItem } from './conversation-item.js';
import { ConversationTransfer } from './conversation-transfer.js';
import { CloseIcon } from './icons.js';

interface Props {
  /** Shown as an overlay (narrow screen, opened): focus moves in; the close button closes it (Esc too: the app listens). */
  overlay: boolean;
  onClose: () => void;
}

export function Sidebar({ overlay, onClose }: Props) {
  const currentId = currentConversation.value?.id;
  const newChat = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (overlay) newChat.current?.focus();
  }, [overlay]);

  return (
    <nav id="sidebar" class="sidebar" aria-label="Conversations">
      <div class="sidebar-header">
        <button type="button" ref={newChat} class="button primary new-chat" data-testid="new-chat" onClick={() => openNewChat()}>
          New chat
        </button>
        <button type="button" class="icon-button sidebar-close" data-testid="sidebar-close" aria-label="Close conversations" onClick={onClose}>
          <CloseIcon />
        </button>
      </div>
      <ul class="conversation-list" data-testid="conversation-list">
        {conversations.value.map((conversation) => (
          <ConversationItem key={conversation.id} conversation={conversation} current={conversation.id === currentId} />
        ))}
      </ul>
      <ConversationTransfer />
    </nav>
  );
}
