/** The current conversation: its messages, the reply being generated, and the composer. */
import { apiKeyMissing } from './api-client.js';
import { useEffect, useRef } from 'preact/hooks';
import { editMessage, generationOf, regenerate, sendMessage, stopGeneration } from './chat-generation.js';
import { Composer } from './composer.js';
import { currentConversation } from './conversations-state.js';
import { LoadProgress } from './load-progress.js';
import { MessageView } from './message-view.js';
import { models } from './server-state.js';

export function ChatView() {
  const conversation = currentConversation.value;
  const list = useRef<HTMLDivElement>(null);
  // Only this conversation's reply: another conversation may be generating at the same time.
  const mine = (conversation && generationOf(conversation.id)) ?? null;

  // Follow the reply as it grows, unless the user scrolled up to read.
  useEffect(() => {
    const element = list.current;
    if (!element) return;
    const nearBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 120;
    if (nearBottom || !mine) element.scrollTop = element.scrollHeight;
  }, [conversation?.messages.length, mine?.reply.content, mine?.reply.reasoning, conversation?.id]);

  if (!conversation) return <p class="empty-state">Loading…</p>;
  const messages = conversation.messages;
  const lastAssistant = messages.at(-1)?.role === 'assistant' ? messages.length - 1 : -1;
  const busy = mine !== null;

  return (
    <section class="chat" aria-label={`Chat: ${conversation.title || 'New chat'}`}>
      <h1 class="visually-hidden">{conversation.title || 'New chat'}</h1>
      <div class="message-list" ref={list}>
        {messages.length === 0 && !mine && (
          <div class="empty-state">
            {apiKeyMissing.value ? (
              <p>The models show once the server's API key is entered.</p>
            ) : models.value.length === 0 ? (
              <p>
                No model is installed yet. <a href="#/models">Download one on the Models page</a>.
              </p>
            ) : (
              <p>Send a message to start chatting. Everything runs on this computer.</p>
            )}
          </div>
        )}
        {messages.map((message, index) => (
          <MessageView
            key={message.id}
            message={message}
            busy={busy}
            canRegenerate={index === lastAssistant && !busy}
            onRegenerate={() => void regenerate(conversation.id)}
            onEdit={(text) => void editMessage(conversation.id, message.id, text)}
          />
        ))}
        {mine?.phase === 'loading' && <LoadProgress modelId={mine.modelId} />}
        {mine?.phase === 'streaming' && (
          <MessageView
            message={{ id: 'streaming', role: 'assistant', content: mine.reply.content, reasoning: mine.reply.reasoning }}
            streaming
            busy
          />
        )}
      </div>
      <Composer
        key={conversation.id}
        generating={busy}
        onSend={(text) => void sendMessage(conversation.id, text)}
        onStop={() => stopGeneration(conversation.id)}
      />
    </section>
  );
}
