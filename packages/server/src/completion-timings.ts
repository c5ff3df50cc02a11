import type { ChatCompletion } from '@gpt4all/chat';
import type { CompletionTimings } from './app-api/app-api.js';

/**
 * The `timings` of a chat completion response, as llama-server names them: `prompt_n` prompt
 * tokens evaluated (those not found in the KV cache, which `cache_n` counts) in `prompt_ms`, and
 * `predicted_n` tokens generated in `predicted_ms` (`predicted_per_second` tokens/s).
 */
export function completionTimings(completion: ChatCompletion): CompletionTimings {
  const { usage, timings } = completion;
  return {
    prompt_n: usage.prompt_tokens - usage.cached_tokens,
    prompt_ms: timings.promptMs,
    predicted_n: usage.completion_tokens,
    predicted_ms: timings.generateMs,
    predicted_per_second: timings.tokensPerSecond,
    cache_n: usage.cached_tokens,
  };
}
