/** A new conversation's settings, from the server's defaults (`GET /api/info`). */
import type { GenerationDefaults } from './app-api-types.js';
import type { ConversationSettings } from './conversation.js';

/** Used until `/api/info` answers: GPT4All's own defaults. */
export const FALLBACK_DEFAULTS: GenerationDefaults = {
  temperature: 0.7,
  topP: 0.4,
  topK: 40,
  minP: 0,
  repeatPenalty: 1.18,
  maxTokens: 4096,
  contextSize: 2048,
};

export function settingsFromDefaults(defaults: GenerationDefaults): ConversationSettings {
  return {
    temperature: defaults.temperature,
    topP: defaults.topP,
    topK: defaults.topK,
    minP: defaults.minP,
    repeatPenalty: defaults.repeatPenalty,
    maxTokens: defaults.maxTokens,
    contextSize: defaults.contextSize,
    systemMessage: '',
    template: { kind: 'model' },
  };
}
