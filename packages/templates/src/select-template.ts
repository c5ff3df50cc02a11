import { isLegacyTemplate, type LegacyTemplate } from './legacy-template.js';

/** Where a chat template came from, in GPT4All's order of precedence. */
export type TemplateSource = 'user' | 'catalog' | 'model';

/** The templates available for a model; absent, `null` or blank means "none". */
export interface TemplateCandidates {
  /** A template the user set explicitly (Jinja, or a legacy `%1`/`%2` template). */
  user?: string | LegacyTemplate | null;
  /** The models catalog entry's `chatTemplate` (or its legacy `promptTemplate`). */
  catalog?: string | LegacyTemplate | null;
  /** The model file's own `tokenizer.chat_template`. */
  model?: string | null;
}

/** The template that won, and where it came from. */
export interface SelectedTemplate {
  source: TemplateSource;
  template: string | LegacyTemplate;
  /** True for a legacy `%1`/`%2` template (render with `createChatRenderer` or `renderLegacyChat`). */
  legacy: boolean;
}

function usable(candidate: string | LegacyTemplate | null | undefined): candidate is string | LegacyTemplate {
  if (candidate === null || candidate === undefined) return false;
  const text = typeof candidate === 'string' ? candidate : candidate.promptTemplate;
  return typeof text === 'string' && text.trim() !== '';
}

/**
 * Picks the chat template as GPT4All does: an explicit user template first,
 * then the catalog entry's, then the model's own.
 * @returns the winner with its source, or `undefined` when none is usable.
 */
export function selectTemplate(candidates: TemplateCandidates): SelectedTemplate | undefined {
  const order: [TemplateSource, string | LegacyTemplate | null | undefined][] = [
    ['user', candidates.user],
    ['catalog', candidates.catalog],
    ['model', candidates.model],
  ];
  for (const [source, template] of order) {
    if (usable(template)) {
      return { source, template, legacy: typeof template !== 'string' || isLegacyTemplate(template) };
    }
  }
  return undefined;
}
