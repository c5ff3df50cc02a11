/** The `/v1/chat/completions` request of a conversation: its messages and its settings. */
import type { ChatCompletionRequest } from './app-api-types.js';
import type { Conversation, ConversationSettings, Message } from './conversation.js';

/** The server's request, with the fields the app always sends made required. */
export type ChatCompletionBody = Pick<ChatCompletionRequest, 'chat_template'> &
  Required<
    Pick<
      ChatCompletionRequest,
      'model' | 'messages' | 'stream' | 'stream_options' | 'temperature' | 'top_p' | 'top_k' | 'min_p' | 'repeat_penalty' | 'max_tokens' | 'context_overflow'
    >
  >;

/**
 * A preset's Jinja source by name (`getPreset(name)?.template` of @gpt4all/templates, passed in
 * so that the template engine stays out of the first download: it is loaded on demand).
 */
export type PresetSource = (name: string) => string | undefined;

/** The Jinja source to send as `chat_template`, or undefined for the model's own template. */
export function templateSource(settings: ConversationSettings, presetSource: PresetSource): string | undefined {
  const choice = settings.template;
  if (choice.kind === 'preset') return presetSource(choice.name);
  if (choice.kind === 'custom') return choice.source.trim() === '' ? undefined : choice.source;
  return undefined;
}

/** The request body; `messages` are the conversation's (the caller has cut what comes after). */
export function buildChatRequest(
  conversation: Pick<Conversation, 'modelId' | 'settings'>,
  messages: Message[],
  presetSource: PresetSource,
): ChatCompletionBody {
  const { settings } = conversation;
  if (!conversation.modelId) throw new Error('Pick a model for this conversation first.');
  const system = settings.systemMessage.trim();
  const body: ChatCompletionBody = {
    model: conversation.modelId,
    messages: [
      ...(system ? [{ role: 'system' as const, content: system }] : []),
      // The reasoning of earlier replies is not sent back: thinking models' templates drop it.
      ...messages.map((m) => ({ role: m.role, content: m.content })),
    ],
    stream: true,
    // Asks for the `usage` chunk at the end, for the context-use figure.
    stream_options: { include_usage: true },
    temperature: settings.temperature,
    top_p: settings.topP,
    top_k: settings.topK,
    min_p: settings.minP,
    repeat_penalty: settings.repeatPenalty,
    max_tokens: settings.maxTokens,
    // As GPT4All's chat: a conversation longer than the context goes on, without its oldest turns.
    context_overflow: 'drop-oldest',
  };
  const template = templateSource(settings, presetSource);
  if (template !== undefined) body.chat_template = template;
  return body;
}
