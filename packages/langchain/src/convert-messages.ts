import { AIMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { Gpt4AllError, type ChatMessage } from '@gpt4all/chat';

/**
 * LangChain messages as the chat messages `@gpt4all/chat` renders with the model's chat template
 * (OpenAI's shape): system, human (`user`), AI (`assistant`, with `tool_calls` and any
 * `reasoning_content`), tool results and generic chat messages by their role.
 *
 * @throws `Gpt4AllError` `ERR_INVALID_ARGUMENT` for content other than text (images, audio): GGUF chat
 *   models run here are text-only.
 */
export function toChatMessages(messages: readonly BaseMessage[]): ChatMessage[] {
  return messages.map((message): ChatMessage => {
    const { text: content, reasoning: reasoningBlocks } = textOf(message);
    switch (message.getType()) {
      case 'system':
        return { role: 'system', content };
      case 'human':
        return { role: 'user', content };
      case 'ai': {
        const calls = AIMessage.isInstance(message) ? (message.tool_calls ?? []) : [];
        const reasoning = message.additional_kwargs?.reasoning_content ?? reasoningBlocks;
        return {
          role: 'assistant',
          content,
          ...(typeof reasoning === 'string' && reasoning !== '' ? { reasoning_content: reasoning } : {}),
          ...(calls.length > 0 ? { tool_calls: calls.map((call) => ({ id: call.id ?? '', type: 'function', function: { name: call.name, arguments: call.args } })) } : {}),
        };
      }
      case 'tool':
        return { role: 'tool', content, tool_call_id: ToolMessage.isInstance(message) ? message.tool_call_id : '', ...(message.name ? { name: message.name } : {}) };
      case 'generic':
        return { role: (message as BaseMessage & { role: string }).role, content };
      default:
        throw new Gpt4AllError('ERR_INVALID_ARGUMENT', `messages of type '${message.getType()}' cannot be sent to a chat model`);
    }
  });
}

/** Blocks that repeat what `tool_calls` says (Anthropic's and LangChain's own shapes). */
const TOOL_CALL_BLOCKS = new Set(['tool_use', 'tool_call', 'tool_call_chunk', 'function_call', 'server_tool_call']);

/** The message's text (a string, or its text blocks joined) and reasoning blocks; other blocks are refused. */
function textOf(message: BaseMessage): { text: string; reasoning: string } {
  if (typeof message.content === 'string') return { text: message.content, reasoning: '' };
  let text = '';
  let reasoning = '';
  for (const block of message.content) {
    const value = block as { type: string; text?: unknown; reasoning?: unknown; thinking?: unknown };
    if (value.type === 'text' && typeof value.text === 'string') text += value.text;
    else if (value.type === 'reasoning' || value.type === 'thinking') reasoning += String(value.reasoning ?? value.thinking ?? '');
    else if (!TOOL_CALL_BLOCKS.has(value.type)) {
      throw new Gpt4AllError('ERR_INVALID_ARGUMENT', `content blocks of type '${value.type}' are not supported: GGUF chat models here are text-only`);
    }
  }
  return { text, reasoning };
}
