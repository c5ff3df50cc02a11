import { compileTemplate, type CompiledTemplate } from './compile-template.js';
import { PRESETS, type ChatPreset } from './presets.js';
import { chatTemplateVariables, type ChatMessage } from './render-chat.js';

/** Result of {@link detectTemplate}. */
export interface TemplateDetection {
  /** `'preset'` when a preset renders like the template; otherwise `'jinja'` (use the template itself). */
  kind: 'preset' | 'jinja';
  /** The recognised preset. */
  preset: ChatPreset | undefined;
  /** Which rendering of the preset matched: `'default'` or a key of its `variants`. */
  variant: string | undefined;
  /** The template to render with: always the input, since rendering it is exact. */
  template: string;
  /** The preset's stop strings, or none when no preset matched. */
  stopStrings: readonly string[];
  /** How many probe conversations the template rendered (the rest it rejected, e.g. a system message). */
  comparedProbes: number;
}

/** Options of {@link detectTemplate}. */
export interface DetectTemplateOptions {
  /** The model's BOS text, for templates that hard-code it. Default `'<s>'`. */
  bosToken?: string;
  /** The model's EOS text. Default `'</s>'`. */
  eosToken?: string;
}

interface Probe {
  messages: ChatMessage[];
  addGenerationPrompt: boolean;
}

const SYSTEM: ChatMessage = { role: 'system', content: 'You are a careful assistant.' };
const USER: ChatMessage = { role: 'user', content: 'What is 2 + 2?' };
const ASSISTANT: ChatMessage = { role: 'assistant', content: 'It is 4.' };
const FOLLOW_UP: ChatMessage = { role: 'user', content: 'And 3 + 3?\nExplain briefly.' };

// Conversations that exercise every part of a chat format: the system slot,
// turn boundaries, the generation prompt and the end of a finished reply.
const PROBES: readonly Probe[] = [
  { messages: [SYSTEM, USER], addGenerationPrompt: true },
  { messages: [USER], addGenerationPrompt: true },
  { messages: [SYSTEM, USER, ASSISTANT, FOLLOW_UP], addGenerationPrompt: true },
  { messages: [USER, ASSISTANT, FOLLOW_UP], addGenerationPrompt: true },
  { messages: [USER, ASSISTANT], addGenerationPrompt: false },
  { messages: [SYSTEM, USER, ASSISTANT], addGenerationPrompt: false },
];

// Templates that print today's date (Llama 3.1+) agree when both see the same day,
// and Llama 3.1 hard-codes this one.
const PROBE_DATE = new Date(2024, 6, 26, 12, 0, 0);
const MINIMUM_COMPARED = 3;

const compiledPresets = new Map<string, CompiledTemplate>();
function compiledPreset(source: string): CompiledTemplate {
  let compiled = compiledPresets.get(source);
  if (!compiled) {
    compiled = compileTemplate(source);
    compiledPresets.set(source, compiled);
  }
  return compiled;
}

function renderProbe(
  template: CompiledTemplate,
  probe: Probe,
  options: Required<DetectTemplateOptions>,
): string | undefined {
  try {
    const variables = chatTemplateVariables(probe.messages, {
      addGenerationPrompt: probe.addGenerationPrompt,
      bosToken: options.bosToken,
      eosToken: options.eosToken,
    });
    return template.render(variables, { now: PROBE_DATE, maxSteps: 200_000 });
  } catch {
    // A template may reject a probe (e.g. no system role); that probe is not compared.
    return undefined;
  }
}

/**
 * Recognises which preset a chat template implements by rendering a fixed set
 * of conversations with both and comparing the text, not by comparing template
 * sources. Probes the template rejects (for example a system message in
 * Gemma 2) are skipped; every other probe must render identically. When no
 * preset matches, the result falls back to the template itself (`kind: 'jinja'`).
 *
 * @throws {@link TemplateSyntaxError} when the template cannot be parsed.
 */
export function detectTemplate(template: string, options: DetectTemplateOptions = {}): TemplateDetection {
  const settings = { bosToken: options.bosToken ?? '<s>', eosToken: options.eosToken ?? '</s>' };
  const compiled = compileTemplate(template);
  const expected = PROBES.map((probe) => renderProbe(compiled, probe, settings));
  const compared = expected.filter((output) => output !== undefined).length;
  const fallback: TemplateDetection = {
    kind: 'jinja',
    preset: undefined,
    variant: undefined,
    template,
    stopStrings: [],
    comparedProbes: compared,
  };
  if (compared < MINIMUM_COMPARED) return fallback;

  for (const preset of PRESETS) {
    const renderings: [string, string][] = [['default', preset.template], ...Object.entries(preset.variants)];
    for (const [variant, source] of renderings) {
      const candidate = compiledPreset(source);
      const matches = PROBES.every(
        (probe, index) => expected[index] === undefined || renderProbe(candidate, probe, settings) === expected[index],
      );
      if (matches) {
        return { kind: 'preset', preset, variant, template, stopStrings: preset.stopStrings, comparedProbes: compared };
      }
    }
  }
  return fallback;
}
