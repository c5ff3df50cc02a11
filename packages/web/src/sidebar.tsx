/** Conversations: new chat, the list, export and import. */
import { conversations, openNewChat } from './conversations-state.js';
import { ConversationItem } from './conversation-item.js';
import { ConversationTransfer } from './conversation-transfer.js';
import { currentConversation } from './conversations-state.js';

export function Sidebar() {
  const currentId = currentConversation.value?.id;
  return (
    <nav id="sidebar" class="sidebar" aria-label="Conversations">
      <button type="button" class="button primary new-chat" data-testid="new-chat" onClick={() => openNewChat()}>
        New chat
      </button>
      <ul class="conversation-list" data-testid="conversation-list">
        {conversations.value.map((conversation) => (
          <ConversationItem key={conversation.id} conversation={conversation} current={conversation.id === currentId} />
        ))}
      </ul>
      <ConversationTransfer />
    </nav>
  );
}
