import { compileTemplate } from './compile-template.js';
import { detectTemplate, type TemplateDetection } from './detect-template.js';
import {
  isLegacyTemplate,
  legacyToJinja,
  parseLegacyTemplate,
  renderLegacyChat,
  type LegacyTemplate,
} from './legacy-template.js';
import { getPreset, type PresetName } from './presets.js';
import { renderChat, type ChatMessage, type RenderChatOptions } from './render-chat.js';
import { TemplateError } from './template-error.js';
import type { RenderLimits } from './engine/render-budget.js';

/** Something that turns a conversation into prompt text, with the strings that end a reply. */
export interface ChatRenderer {
  /** `'jinja'` for a model's or user's Jinja template, `'preset'` for a named preset, `'legacy'` for `%1`/`%2`. */
  readonly kind: 'jinja' | 'preset' | 'legacy';
  /** The preset this renderer is, or was recognised as. */
  readonly presetName: PresetName | undefined;
  /** The Jinja source it renders (for legacy templates, the equivalent conversion). */
  readonly template: string;
  /** Stop generating when one of these appears (they include the EOS text when known). */
  readonly stopStrings: readonly string[];
  /**
   * Renders a conversation. `bosToken`/`eosToken` default to the renderer's own.
   * @throws {@link TemplateError} subclasses.
   */
  render(messages: readonly ChatMessage[], options?: RenderChatOptions): string;
}

/** Options shared by the renderer factories. */
export interface ChatRendererOptions {
  /** Default BOS text passed to the template. */
  bosToken?: string;
  /** Default EOS text passed to the template; also a stop string. */
  eosToken?: string;
  /** More stop strings (e.g. the model's end-of-turn token). */
  extraStopStrings?: readonly string[];
  /** Limits of each render (a template from an untrusted source gets tighter ones). Default: the engine's. */
  limits?: RenderLimits;
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => typeof value === 'string' && value !== ''))];
}

function withTokens(options: ChatRendererOptions, render: RenderChatOptions = {}): RenderChatOptions {
  return { ...options.limits, bosToken: options.bosToken, eosToken: options.eosToken, ...stripUndefined(render) };
}

function stripUndefined(options: RenderChatOptions): RenderChatOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as RenderChatOptions;
}

/**
 * A renderer for a Jinja template. Its stop strings come from the preset it is
 * recognised as (see {@link detectTemplate}), plus the EOS text.
 * @throws {@link TemplateSyntaxError} when the template cannot be parsed.
 */
export function jinjaRenderer(
  template: string,
  options: ChatRendererOptions = {},
  detection?: TemplateDetection,
): ChatRenderer {
  const compiled = compileTemplate(template);
  const detected = detection ?? detectTemplate(template, options);
  return {
    kind: 'jinja',
    presetName: detected.preset?.name,
    template,
    stopStrings: unique([...detected.stopStrings, options.eosToken, ...(options.extraStopStrings ?? [])]),
    render: (messages, renderOptions) => renderChat(compiled, messages, withTokens(options, renderOptions)),
  };
}

/**
 * A renderer for a named preset.
 * @throws {@link TemplateError} (`ERR_TEMPLATE_INVALID`) for an unknown name.
 */
export function presetRenderer(name: PresetName, options: ChatRendererOptions = {}): ChatRenderer {
  const preset = getPreset(name);
  if (!preset) throw new TemplateError(`Unknown chat preset '${name}'`, { code: 'ERR_TEMPLATE_INVALID' });
  const compiled = compileTemplate(preset.template);
  return {
    kind: 'preset',
    presetName: preset.name,
    template: preset.template,
    stopStrings: unique([...preset.stopStrings, options.eosToken, ...(options.extraStopStrings ?? [])]),
    render: (messages, renderOptions) => renderChat(compiled, messages, withTokens(options, renderOptions)),
  };
}

/**
 * A renderer for a GPT4All legacy `%1`/`%2` template. Its stop strings are the
 * trimmed text after `%2` and before `%1` (the markers that end a reply).
 * @throws {@link TemplateError} (`ERR_TEMPLATE_INVALID`) for a malformed template.
 */
export function legacyRenderer(template: LegacyTemplate, options: ChatRendererOptions = {}): ChatRenderer {
  const parts = parseLegacyTemplate(template.promptTemplate);
  return {
    kind: 'legacy',
    presetName: undefined,
    template: legacyToJinja(template),
    stopStrings: unique([
      parts.assistantSuffix.trim(),
      parts.userPrefix.trim(),
      options.eosToken,
      ...(options.extraStopStrings ?? []),
    ]),
    render: (messages, renderOptions) => renderLegacyChat(template, messages, renderOptions),
  };
}

/** A renderer for any template text: legacy `%1`/`%2` templates and Jinja alike. */
export function createChatRenderer(template: string | LegacyTemplate, options: ChatRendererOptions = {}): ChatRenderer {
  if (typeof template !== 'string') return legacyRenderer(template, options);
  return isLegacyTemplate(template)
    ? legacyRenderer({ promptTemplate: template }, options)
    : jinjaRenderer(template, options);
}
