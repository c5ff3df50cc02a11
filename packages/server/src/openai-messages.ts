import type { ChatMessage } from '@gpt4all/chat';
import { ApiError } from './api-error.js';
import type { RequestMessage } from './chat-completion-request.js';

/**
 * The request's messages as `@gpt4all/chat` takes them: `developer` is the system role (OpenAI's
 * newer name for it), text content parts are joined into one text (with newlines), the null
 * content of an assistant message that calls tools is empty text. Message text stays plain text: the chat package never turns it into control
 * tokens, so `<|im_end|>` in a message is those characters, not the end of a turn.
 * @throws {ApiError} 400 for a content part that is not text (images and audio cannot be served
 *   by these models), for a message without the fields its role needs (as OpenAI checks them:
 *   content, except in an assistant message that calls tools; `tool_call_id` in tool results),
 *   and for a conversation that does not end with a user message or tool results.
 */
export function toChatMessages(messages: readonly RequestMessage[]): ChatMessage[] {
  const converted = messages.map((message, i): ChatMessage => {
    checkRequiredFields(message, i);
    const out: ChatMessage = { role: message.role === 'developer' ? 'system' : message.role, content: textOf(message.content, i) };
    if (message.name !== undefined) out.name = message.name;
    if (message.tool_calls !== undefined) out.tool_calls = message.tool_calls.map((call) => ({ ...call, type: 'function' as const }));
    if (message.tool_call_id !== undefined) out.tool_call_id = message.tool_call_id;
    if (typeof message.reasoning_content === 'string') out.reasoning_content = message.reasoning_content;
    return out;
  });
  const last = converted.at(-1)?.role;
  if (last !== 'user' && last !== 'tool') {
    throw new ApiError(`The last message must be a user message or tool results, not '${last}'.`, { status: 400, param: `messages[${converted.length - 1}].role`, code: 'invalid_value' });
  }
  return converted;
}

function checkRequiredFields(message: RequestMessage, index: number): void {
  const callsTools = message.role === 'assistant' && (message.tool_calls?.length ?? 0) > 0;
  if ((message.content === undefined || message.content === null) && !callsTools) {
    const got = message.content === null ? 'null' : 'nothing';
    throw new ApiError(`A ${message.role} message needs content (text or text parts), got ${got}.`, { status: 400, param: `messages[${index}].content`, code: 'missing_required_parameter' });
  }
  if (message.role === 'tool' && message.tool_call_id === undefined) {
    throw new ApiError('Tool results need the tool_call_id of the call they answer.', { status: 400, param: `messages[${index}].tool_call_id`, code: 'missing_required_parameter' });
  }
}

function textOf(content: RequestMessage['content'], index: number): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, j) => {
      if (part.type !== 'text' || typeof part.text !== 'string') {
        throw new ApiError(`Only text content parts are supported, got '${part.type}'.`, { status: 400, param: `messages[${index}].content[${j}]`, code: 'unsupported_content' });
      }
      return part.text;
    })
    .join('\n');
}
