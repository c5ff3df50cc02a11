/** Folding the chunks of a streamed chat completion into the reply shown so far. */
import type { CompletionTimings } from './app-api-types.js';

export interface StreamedReply {
  content: string;
  reasoning: string;
  promptTokens: number | null;
  totalTokens: number | null;
  timings: CompletionTimings | null;
  finishReason: string | null;
}

export const emptyReply = (): StreamedReply => ({
  content: '',
  reasoning: '',
  promptTokens: null,
  totalTokens: null,
  timings: null,
  finishReason: null,
});

/** An `{error: {message}}` object sent inside the stream. */
export class StreamError extends Error {}

interface ChunkShape {
  choices?: { delta?: { content?: string | null; reasoning_content?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; total_tokens?: number } | null;
  timings?: CompletionTimings;
  error?: { message?: string };
}

/** The reply after one `data:` line of the stream (not `[DONE]`). Throws a StreamError for an error chunk. */
export function applyChunk(reply: StreamedReply, data: string): StreamedReply {
  const chunk = JSON.parse(data) as ChunkShape;
  if (chunk.error) throw new StreamError(chunk.error.message ?? 'The server stopped the reply with an error.');
  const next = { ...reply };
  const choice = chunk.choices?.[0];
  if (choice?.delta?.content) next.content += choice.delta.content;
  if (choice?.delta?.reasoning_content) next.reasoning += choice.delta.reasoning_content;
  if (choice?.finish_reason) next.finishReason = choice.finish_reason;
  if (chunk.usage) {
    next.promptTokens = chunk.usage.prompt_tokens ?? next.promptTokens;
    next.totalTokens = chunk.usage.total_tokens ?? next.totalTokens;
  }
  if (chunk.timings) next.timings = chunk.timings;
  return next;
}
