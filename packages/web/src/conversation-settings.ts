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

/** The range of a number setting, as the server accepts it (its request schema). */
export interface SettingRange {
  min: number;
  max: number;
  /** Granularity of the field. */
  step: number;
  integer: boolean;
}

/** The ranges of the number settings: the settings fields use them, and an import is checked against them. */
export const SETTING_RANGES = {
  temperature: { min: 0, max: 2, step: 0.05, integer: false },
  topP: { min: 0, max: 1, step: 0.05, integer: false },
  topK: { min: 0, max: 1_000_000, step: 1, integer: true },
  minP: { min: 0, max: 1, step: 0.01, integer: false },
  // The server needs a repeat penalty above 0.
  repeatPenalty: { min: 0.01, max: 3, step: 0.01, integer: false },
  maxTokens: { min: 1, max: 2 ** 31 - 1, step: 1, integer: true },
  contextSize: { min: 128, max: 2 ** 31 - 1, step: 1, integer: true },
} as const satisfies Record<keyof GenerationDefaults, SettingRange>;

/** Whether `value` is a valid value of a setting of that range. */
export function inRange(value: number, range: SettingRange): boolean {
  return Number.isFinite(value) && value >= range.min && value <= range.max && (!range.integer || Number.isInteger(value));
}
