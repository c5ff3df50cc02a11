import type { ChatMessage, ContentPart } from './render-chat.js';
import { TemplateError } from './template-error.js';

/**
 * A GPT4All legacy prompt template, as in the models catalog (`models2.json`,
 * `models3.json`): `%1` stands for the user's message and `%2` for the
 * assistant's reply; the system prompt is pre-formatted text placed first.
 */
export interface LegacyTemplate {
  /** e.g. `'<|im_start|>user\n%1<|im_end|>\n<|im_start|>assistant\n%2<|im_end|>\n'`. */
  promptTemplate: string;
  /** Text placed verbatim before the first turn, e.g. `'<|im_start|>system\n…<|im_end|>\n'`. */
  systemPrompt?: string;
}

/** Options of {@link renderLegacyChat}. */
export interface LegacyRenderOptions {
  /** End a trailing user turn with the template's text between `%1` and `%2` (the assistant header). Default false. */
  addGenerationPrompt?: boolean;
}

/** The pieces of a legacy template around its placeholders. */
export interface LegacyTemplateParts {
  /** Text before `%1`. */
  userPrefix: string;
  /** Text between `%1` and `%2` (or the end): closes the user turn and opens the assistant's. */
  userToAssistant: string;
  /** Text after `%2`; GPT4All used a blank line when the template has no `%2`. */
  assistantSuffix: string;
}

/** True when a template uses `%1` and no Jinja syntax. */
export function isLegacyTemplate(template: string): boolean {
  return template.includes('%1') && !/\{\{|\{%/.test(template);
}

/**
 * Splits a legacy template at its placeholders, with the rules GPT4All's
 * backend applied: `%1` must come first, `%2` at most once after it, and a
 * template without `%2` ends each assistant reply with a blank line.
 * @throws {@link TemplateError} (`ERR_TEMPLATE_INVALID`) for a malformed template.
 */
export function parseLegacyTemplate(promptTemplate: string): LegacyTemplateParts {
  const placeholders = [...promptTemplate.matchAll(/%[12]/g)];
  const [user, assistant] = placeholders;
  const invalid = (reason: string): never => {
    throw new TemplateError(`Invalid legacy prompt template: ${reason}`, { code: 'ERR_TEMPLATE_INVALID' });
  };
  if (user === undefined || user[0] !== '%1') invalid('the first placeholder must be %1');
  if (placeholders.length > 2) invalid('expected at most two placeholders (%1 and %2)');
  if (assistant !== undefined && assistant[0] !== '%2') invalid('the second placeholder must be %2');
  const userIndex = user!.index;
  const assistantIndex = assistant?.index ?? promptTemplate.length;
  return {
    userPrefix: promptTemplate.slice(0, userIndex),
    userToAssistant: promptTemplate.slice(userIndex + 2, assistantIndex),
    assistantSuffix: assistant === undefined ? '\n\n' : promptTemplate.slice(assistantIndex + 2),
  };
}

function textOf(content: string | ContentPart[] | null | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

function unsupportedRole(role: string): never {
  throw new TemplateError(`Legacy prompt templates support only system, user and assistant messages (got '${role}')`, {
    code: 'ERR_TEMPLATE_INVALID',
  });
}

/**
 * Renders a conversation with a legacy `%1`/`%2` template: the system prompt
 * (a leading system message's text replaces the template's own), then for each
 * user turn `prefix + text + userToAssistant`, and for each reply
 * `text + assistantSuffix`. A trailing user turn gets `userToAssistant` only
 * with `addGenerationPrompt`.
 */
export function renderLegacyChat(
  template: LegacyTemplate,
  messages: readonly ChatMessage[],
  options: LegacyRenderOptions = {},
): string {
  const parts = parseLegacyTemplate(template.promptTemplate);
  const [first] = messages;
  const hasSystem = first?.role === 'system';
  let output = hasSystem ? textOf(first.content) : (template.systemPrompt ?? '');
  const turns = hasSystem ? messages.slice(1) : messages;
  turns.forEach((message, index) => {
    if (message.role === 'user') {
      const last = index === turns.length - 1;
      output += parts.userPrefix + textOf(message.content);
      if (!last || options.addGenerationPrompt) output += parts.userToAssistant;
    } else if (message.role === 'assistant') {
      output += textOf(message.content) + parts.assistantSuffix;
    } else {
      unsupportedRole(message.role);
    }
  });
  return output;
}

/** Escapes text for a single-quoted Jinja string literal. */
function jinjaString(text: string): string {
  const escaped = text.replace(/[\\'\n\r\t]|[\x00-\x1f\x7f]/g, (character) => {
    switch (character) {
      case '\\':
        return '\\\\';
      case "'":
        return "\\'";
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
  return `'${escaped}'`;
}

/**
 * Converts a legacy template to an equivalent Hugging Face-style Jinja chat
 * template: rendering it with {@link renderChat} gives the same text as
 * {@link renderLegacyChat}. The template is one line, so no whitespace control
 * can change its output.
 */
export function legacyToJinja(template: LegacyTemplate): string {
  const parts = parseLegacyTemplate(template.promptTemplate);
  const roleError = "Legacy prompt templates support only system, user and assistant messages (got '";
  return [
    '{%- macro text(content) -%}',
    '{%- if content is string -%}{{- content -}}',
    "{%- elif content is iterable -%}{%- for part in content -%}{%- if part.type == 'text' and part.text is string -%}{{- part.text -}}{%- endif -%}{%- endfor -%}",
    '{%- endif -%}{%- endmacro -%}',
    "{%- if messages and messages[0].role == 'system' -%}{{- text(messages[0].content) -}}{%- set turns = messages[1:] -%}",
    `{%- else -%}{{- ${jinjaString(template.systemPrompt ?? '')} -}}{%- set turns = messages -%}{%- endif -%}`,
    '{%- for message in turns -%}',
    `{%- if message.role == 'user' -%}{{- ${jinjaString(parts.userPrefix)} + text(message.content) -}}`,
    `{%- if not loop.last or add_generation_prompt -%}{{- ${jinjaString(parts.userToAssistant)} -}}{%- endif -%}`,
    `{%- elif message.role == 'assistant' -%}{{- text(message.content) + ${jinjaString(parts.assistantSuffix)} -}}`,
    `{%- else -%}{{- raise_exception(${jinjaString(roleError)} + message.role + "')") -}}`,
    '{%- endif -%}{%- endfor -%}',
  ].join('');
}
