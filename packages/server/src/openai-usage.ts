/** Token counts of one response, in OpenAI's `usage` shape. */
export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** `cached_tokens`: prompt tokens found in the KV cache and not evaluated again. */
  prompt_tokens_details: { cached_tokens: number };
}

/** OpenAI's `usage` from a generation's counts. */
export function openAIUsage(usage: { promptTokens: number; completionTokens: number; cachedTokens: number }): OpenAIUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
  };
}
