import type { Model as EngineModel } from '@gpt4all/core';
import type { CatalogEntry } from '@gpt4all/download';
import {
  createChatRenderer,
  fromModelMetadata,
  isPresetName,
  PRESETS,
  presetRenderer,
  selectTemplate,
  TemplateError,
  type ChatMessage,
  type ChatRenderer,
  type ChatRendererOptions,
  type LegacyTemplate,
  type ModelChatFormat,
  type TemplateSource,
  type ToolDefinition,
} from '@gpt4all/templates';
import { ChatError } from './errors/chat-error.js';

/**
 * A chat template: a preset name (`'chatml'`, `'llama3'`, ...), Jinja source, a GPT4All legacy
 * template (`'### Human:\n%1\n### Assistant:\n'`, or `{ promptTemplate, systemPrompt }`), or a
 * renderer of your own.
 */
export type ChatTemplate = string | LegacyTemplate | ChatRenderer;

/** How a session turns messages into tokens, and where that came from. */
export interface ChatFormat {
  renderer: ChatRenderer;
  /** Which template won: the caller's, the catalog entry's, or the model file's own. */
  source: TemplateSource;
  /** Reply-ending strings of the template and the model's end-of-turn tokens. */
  stopStrings: readonly string[];
  /** Text of the BOS token, so a prompt that prints it is not given a second one. */
  bosToken: string | undefined;
  /** The catalog's system message, used when the session sets none. */
  defaultSystemMessage: string | undefined;
}

/** What a model file says about chatting with it, read once per model from its metadata. */
export interface ModelTemplateInfo {
  format: ModelChatFormat;
  /** Texts of the end-of-turn and end-of-message tokens, which end a reply whatever the template. */
  endOfTurn: string[];
}

/** Reads the model file's own chat format. */
export function readModelTemplateInfo(engine: EngineModel): ModelTemplateInfo {
  const metadata = engine.info.metadata;
  const tokens = metadata['tokenizer.ggml.tokens'];
  const textOf = (key: string): string | undefined => {
    const raw = metadata[key];
    const id = typeof raw === 'number' || typeof raw === 'bigint' ? Number(raw) : undefined;
    const text = Array.isArray(tokens) && id !== undefined ? tokens[id] : undefined;
    return typeof text === 'string' && text !== '' ? text : undefined;
  };
  const endOfTurn = [textOf('tokenizer.ggml.eot_token_id'), textOf('tokenizer.ggml.eom_token_id')];
  return { format: fromModelMetadata(metadata), endOfTurn: endOfTurn.filter((t): t is string => t !== undefined) };
}

/**
 * Picks the template with GPT4All's precedence (the caller's, then the catalog entry's, then the
 * model file's) and builds its renderer.
 * @throws {ChatError} `ERR_NO_CHAT_TEMPLATE` when there is none: a wrong guess would give
 *   plausible-looking but broken chats, so there is no silent fallback.
 */
export function resolveChatFormat(
  { format: modelFormat, endOfTurn }: ModelTemplateInfo,
  entry: CatalogEntry | undefined,
  template: ChatTemplate | undefined,
  modelName: string,
): ChatFormat {
  const rendererOptions: ChatRendererOptions = {
    bosToken: modelFormat.bosToken,
    eosToken: modelFormat.eosToken,
    extraStopStrings: endOfTurn,
  };
  const base = { bosToken: modelFormat.bosToken, defaultSystemMessage: undefined };

  if (isRenderer(template)) return { ...base, renderer: template, source: 'user', stopStrings: template.stopStrings };
  if (typeof template === 'string' && isPresetName(template)) {
    const renderer = presetRenderer(template, rendererOptions);
    return { ...base, renderer, source: 'user', stopStrings: renderer.stopStrings };
  }
  // A bare name is a preset the caller mistyped (`ChatML`), not a template that prints it.
  if (typeof template === 'string' && /^[\w.-]+$/.test(template)) {
    throw new TemplateError(`'${template}' is not a chat template preset; the presets are ${PRESETS.map((p) => p.name).join(', ')}`, {
      code: 'ERR_TEMPLATE_INVALID',
    });
  }

  const catalogTemplate = catalogCandidate(entry);
  const selected = selectTemplate({ user: template, catalog: catalogTemplate, model: modelFormat.renderer ? modelFormat.chatTemplate : null });
  if (!selected) {
    const problems = modelFormat.warnings.map((w) => w.message).join('; ');
    throw new ChatError(
      'ERR_NO_CHAT_TEMPLATE',
      `No chat template for ${modelName}: none was given, the catalog has none, and the model file has no usable one` +
        `${problems ? ` (${problems})` : ''}. Pass \`template\`: a preset name (chatml, llama3, mistral, ...), ` +
        'a Jinja template, or a legacy %1/%2 template.',
    );
  }
  const renderer =
    selected.source === 'model' && modelFormat.renderer
      ? modelFormat.renderer
      : createChatRenderer(selected.template, rendererOptions);
  return {
    ...base,
    renderer,
    source: selected.source,
    stopStrings: renderer.stopStrings,
    // A legacy template carries its own pre-formatted system prompt; a Jinja one takes the catalog's message.
    defaultSystemMessage: renderer.kind === 'legacy' ? undefined : (entry?.systemMessage ?? undefined),
  };
}

/** Renders `messages` as the prompt text of the next assistant reply (see `PromptTokenizer` for its tokens). */
export function renderPrompt(format: ChatFormat, messages: readonly ChatMessage[], tools?: ToolDefinition[]): string {
  const render = (list: readonly ChatMessage[]) =>
    format.renderer.render(list, { addGenerationPrompt: true, ...(tools ? { tools, extraContext: toolVariables(format, tools) } : {}) });
  try {
    return render(messages);
  } catch (error) {
    // Hugging Face templates take a call's `arguments` as an object, a few (Functionary v3.2)
    // only as a JSON string, as llama.cpp's template probing finds: the other form is tried.
    const withStrings = messages.map((m) =>
      m.tool_calls ? { ...m, tool_calls: m.tool_calls.map((c) => ({ ...c, function: { ...c.function, arguments: typeof c.function.arguments === 'string' ? c.function.arguments : JSON.stringify(c.function.arguments) } })) } : m,
    );
    if (!messages.some((m) => m.tool_calls?.some((c) => typeof c.function.arguments !== 'string'))) throw error;
    try {
      return render(withStrings);
    } catch {
      throw error;
    }
  }
}

/**
 * Variables some templates read instead of `tools`: FireFunction v2's `functions` (the tools'
 * functions as JSON) and `datetime`, as llama.cpp's `common_chat_params_init_firefunction_v2` passes them.
 */
function toolVariables(format: ChatFormat, tools: ToolDefinition[]): Record<string, unknown> | undefined {
  if (!format.renderer.template.includes('functions as JSON spec')) return undefined;
  return { functions: JSON.stringify(tools.map((t) => t.function), null, 4), datetime: new Date().toUTCString() };
}

function catalogCandidate(entry: CatalogEntry | undefined): string | LegacyTemplate | undefined {
  if (!entry) return undefined;
  if (typeof entry.chatTemplate === 'string' && entry.chatTemplate.trim() !== '') return entry.chatTemplate;
  if (typeof entry.promptTemplate === 'string' && entry.promptTemplate.trim() !== '') {
    return { promptTemplate: entry.promptTemplate, systemPrompt: entry.systemPrompt ?? undefined };
  }
  return undefined;
}

function isRenderer(template: ChatTemplate | undefined): template is ChatRenderer {
  return typeof template === 'object' && template !== null && typeof (template as ChatRenderer).render === 'function';
}
