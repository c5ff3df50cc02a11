import type { ChatMessage as TemplateMessage } from '@gpt4all/templates';

/**
 * A message of a conversation: `{ role, content }` plus whatever the chat template reads
 * (`tool_calls`, `name`, ...). See `@gpt4all/templates` for the full shape.
 */
export interface ChatMessage extends TemplateMessage {
  /**
   * On an assistant message: the token ids the model generated for `content`, kept so that the
   * next prompt holds exactly the tokens the KV cache holds (text does not always re-tokenize to
   * the same ids). A session sets it on its replies; keep it when you save and restore history.
   * It is used only where its ids spell `content` exactly and hold no control token; otherwise
   * `content` is tokenized as text. Not passed to the chat template.
   */
  tokens?: number[];
}

/** A copy of `message` that shares no array with it. */
export function copyMessage<T extends ChatMessage>(message: T): T {
  return Array.isArray(message.tokens) ? { ...message, tokens: [...message.tokens] } : { ...message };
}

/**
 * `message` with its tool calls' `arguments` as objects: OpenAI sends them as JSON text, while
 * Hugging Face templates expect objects (and print JSON text as a quoted string).
 */
export function withObjectArguments<T extends ChatMessage>(message: T): T {
  if (!Array.isArray(message.tool_calls)) return message;
  const calls = message.tool_calls.map((call) => {
    const args = call?.function?.arguments;
    if (typeof args !== 'string') return call;
    try {
      const parsed: unknown = JSON.parse(args);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? { ...call, function: { ...call.function, arguments: parsed as Record<string, unknown> } }
        : call;
    } catch {
      return call;
    }
  });
  return { ...message, tool_calls: calls };
}
