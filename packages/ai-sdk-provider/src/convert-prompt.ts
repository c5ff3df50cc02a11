import { UnsupportedFunctionalityError, type LanguageModelV4FilePart, type LanguageModelV4Prompt, type LanguageModelV4ToolResultOutput } from '@ai-sdk/provider';
import type { ChatMessage } from '@gpt4all/chat';

/**
 * The AI SDK's prompt as the chat messages `@gpt4all/chat` renders with the model's chat template
 * (OpenAI's shape): parts of text joined, reasoning as `reasoning_content` (which thinking models'
 * templates read), tool calls as `tool_calls`, each tool result a `tool` message.
 *
 * @throws `UnsupportedFunctionalityError` for files other than inline text: GGUF chat models run
 *   here are text-only.
 */
export function toChatMessages(prompt: LanguageModelV4Prompt): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
        break;
      case 'user':
        messages.push({ role: 'user', content: message.content.map((part) => (part.type === 'text' ? part.text : fileText(part))).join('') });
        break;
      case 'assistant': {
        let content = '';
        let reasoning = '';
        const toolCalls: NonNullable<ChatMessage['tool_calls']> = [];
        for (const part of message.content) {
          if (part.type === 'text') content += part.text;
          else if (part.type === 'reasoning') reasoning += part.text;
          else if (part.type === 'tool-call') toolCalls.push({ id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: part.input as Record<string, unknown> } });
          else if (part.type === 'file') content += fileText(part);
          // Results of provider-executed tools and custom parts: this provider runs no tools itself.
        }
        messages.push({
          role: 'assistant',
          content,
          ...(reasoning !== '' ? { reasoning_content: reasoning } : {}),
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        });
        break;
      }
      case 'tool':
        for (const part of message.content) {
          if (part.type !== 'tool-result') continue; // approvals are for provider-executed tools
          messages.push({ role: 'tool', tool_call_id: part.toolCallId, name: part.toolName, content: toolOutputText(part.output) });
        }
        break;
    }
  }
  return messages;
}

/** A tool's output as the text of its `tool` message: text as it is, JSON written out. */
function toolOutputText(output: LanguageModelV4ToolResultOutput): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
      return JSON.stringify(output.value);
    case 'execution-denied':
      return JSON.stringify({ error: `the user denied running the tool${output.reason ? `: ${output.reason}` : ''}` });
    case 'content':
      return output.value
        .map((part) => {
          if (part.type === 'text') return part.text;
          throw new UnsupportedFunctionalityError({ functionality: `tool output of type '${part.type}' (GGUF chat models here are text-only)` });
        })
        .join('');
  }
}

/**
 * A text file's text: inline text, or the bytes (or base64) of a `text/*`, JSON or XML file as
 * UTF-8. Anything else (images, audio, URLs to fetch) is not something a text-only model reads.
 */
function fileText(part: Pick<LanguageModelV4FilePart, 'data' | 'mediaType'>): string {
  if (part.data.type === 'text') return part.data.text;
  // Parameters (`; charset=utf-8`) aside: the bytes are read as UTF-8.
  if (part.data.type === 'data' && TEXT_MEDIA_TYPE.test(part.mediaType.split(';')[0]!.trim())) {
    const { data } = part.data;
    return typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  }
  throw new UnsupportedFunctionalityError({ functionality: `file parts of type '${part.mediaType}' (GGUF chat models here are text-only; text files are read)` });
}

/** Media types whose bytes are text. */
const TEXT_MEDIA_TYPE = /^(text(\/|$)|application\/(json|xml|x-ndjson|yaml|x-yaml)$|[^/]+\/[^/]+\+(json|xml)$)/i;
