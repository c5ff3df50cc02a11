import { withObjectArguments, type ChatMessage } from './chat-message.js';
import type { TextStream } from './chat-stream.js';
import type { ToolResultMessage } from './chat-tools.js';
import { toChatCompletion, type ChatCompletion, type CreateCompletionOptions } from './create-completion.js';
import { invalidArgument } from './errors/chat-error.js';
import type { Model } from './model.js';

/**
 * {@link createCompletion}, streamed: iterate the stream for the answer's text, or its `parts` for
 * reasoning, text and tool calls apart (a call arrives once it is complete); `result` settles with
 * the whole `ChatCompletion`. It runs on the model's shared context like `createCompletion`, so a
 * growing conversation evaluates only what is new. Leaving a loop early (or `signal`) aborts the
 * reply within one token; `result` then has `finish_reason: 'abort'`.
 *
 * @example
 * ```ts
 * const stream = streamCompletion(model, [{ role: 'user', content: 'Tell me a story' }], { maxTokens: 200 });
 * for await (const part of stream.parts) if (part.type === 'text') process.stdout.write(part.text);
 * console.log((await stream.result).usage);
 * ```
 * @throws `ERR_INVALID_ARGUMENT` when `messages` does not end with a user message (its content a
 *   string) or tool results. Errors of generation (those of `createCompletion`) reject `result`
 *   and the iterators.
 */
export function streamCompletion(model: Model, messages: readonly ChatMessage[], options: CreateCompletionOptions = {}): TextStream<ChatCompletion> {
  const { template, contextOverflow, specialTokensInContent, tools, ...sendOptions } = options;
  const { history, input } = splitLastTurn(messages);
  // The session answers `input` after `history`, exactly as `regenerate` answers the whole list:
  // a session streams only what `send` adds, so the last turn is handed over as that.
  const session = model.sharedSession({ messages: history.map(withObjectArguments), template, contextOverflow, specialTokensInContent, tools, systemMessage: null });
  const stream = session.stream(input, { ...sendOptions, abortedReply: 'keep' });
  const result = stream.result.then((reply) => toChatCompletion(model, reply));
  result.catch(() => {});
  return { result, parts: stream.parts, [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator]() };
}

/** The conversation before its last turn, and that turn: a user message's text, or the trailing tool results. */
function splitLastTurn(messages: readonly ChatMessage[]): { history: readonly ChatMessage[]; input: string | ToolResultMessage[] } {
  const last = Array.isArray(messages) ? messages.at(-1) : undefined;
  if (last?.role === 'user') {
    if (typeof last.content !== 'string') throw invalidArgument('the last user message of a streamed completion must have text content (a string)');
    return { history: messages.slice(0, -1), input: last.content };
  }
  if (last?.role === 'tool') {
    let start = messages.length;
    while (start > 0 && messages[start - 1]!.role === 'tool') start--;
    const results = messages.slice(start).map((m): ToolResultMessage => {
      if (typeof m.tool_call_id !== 'string' || typeof m.content !== 'string') throw invalidArgument('a tool message needs tool_call_id and content (strings)');
      return { role: 'tool', toolCallId: m.tool_call_id, content: m.content };
    });
    return { history: messages.slice(0, start), input: results };
  }
  throw invalidArgument('messages must be a list that ends with a user message or tool results');
}
