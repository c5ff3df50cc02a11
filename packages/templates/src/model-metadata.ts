import { jinjaRenderer, type ChatRenderer } from './chat-renderer.js';
import { detectTemplate, type TemplateDetection } from './detect-template.js';
import { TemplateError } from './template-error.js';

/** GGUF key/values, as a plain object or a `Map`. */
export type ModelMetadata = Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown>;

/** A non-fatal problem found in model metadata. */
export interface TemplateWarning {
  code: 'WARN_NO_CHAT_TEMPLATE' | 'WARN_TOKEN_NOT_FOUND' | 'WARN_TEMPLATE_INVALID' | 'WARN_TEMPLATE_NAME_UNKNOWN';
  message: string;
}

/** Options of {@link fromModelMetadata}. */
export interface ModelMetadataOptions {
  /** BOS text to use instead of the one looked up in the token list. */
  bosToken?: string;
  /** EOS text to use instead of the one looked up in the token list. */
  eosToken?: string;
  /** Which template becomes `renderer`: `'default'` (the default) or a named variant such as `'tool_use'`. */
  templateName?: string;
}

/** Everything needed to prompt a model with its own chat template. */
export interface ModelChatFormat {
  /** `tokenizer.chat_template`, if present. */
  chatTemplate: string | undefined;
  /** `tokenizer.chat_template.<name>` entries, by name. */
  namedTemplates: Readonly<Record<string, string>>;
  /** Text of the BOS token. */
  bosToken: string | undefined;
  /** Text of the EOS token. */
  eosToken: string | undefined;
  /**
   * `tokenizer.ggml.add_bos_token`: whether tokenizing adds BOS by itself. Most
   * templates print `bos_token` too, so when a rendered prompt already starts
   * with `bosToken`, tokenize it without adding another.
   */
  addBosToken: boolean | undefined;
  /** Renderer for the selected template (`templateName`), or undefined when there is none usable. */
  renderer: ChatRenderer | undefined;
  /** Renderers for every usable template: `'default'` and each named one. */
  renderers: Readonly<Record<string, ChatRenderer>>;
  /** What the selected template was recognised as. */
  detection: TemplateDetection | undefined;
  /** Stop strings for the selected template (preset markers, EOS, end-of-turn tokens). */
  stopStrings: readonly string[];
  /** Problems that did not prevent building the result. */
  warnings: TemplateWarning[];
}

const TEMPLATE_KEY = 'tokenizer.chat_template';

function entries(metadata: ModelMetadata): [string, unknown][] {
  return metadata instanceof Map ? [...metadata.entries()] : Object.entries(metadata as Record<string, unknown>);
}

function lookup(metadata: ModelMetadata, key: string): unknown {
  return metadata instanceof Map ? metadata.get(key) : (metadata as Record<string, unknown>)[key];
}

function tokenText(metadata: ModelMetadata, idKey: string, warnings: TemplateWarning[]): string | undefined {
  const rawId = lookup(metadata, idKey);
  if (rawId === undefined || rawId === null) return undefined;
  const id = Number(rawId);
  const tokens = lookup(metadata, 'tokenizer.ggml.tokens');
  const text = Array.isArray(tokens) && Number.isInteger(id) ? (tokens[id] as unknown) : undefined;
  if (typeof text !== 'string') {
    warnings.push({
      code: 'WARN_TOKEN_NOT_FOUND',
      message: `${idKey} = ${String(rawId)} is not an index of tokenizer.ggml.tokens`,
    });
    return undefined;
  }
  return text;
}

/**
 * Builds the chat renderer and special tokens for a model from its GGUF
 * metadata: `tokenizer.chat_template` and its named variants
 * (`tokenizer.chat_template.<name>`), and the BOS/EOS texts found in
 * `tokenizer.ggml.tokens` at `tokenizer.ggml.bos_token_id`/`eos_token_id`.
 * Unusable templates and missing tokens are reported in `warnings`.
 *
 * @example
 * ```ts
 * const format = fromModelMetadata(gguf.metadata);
 * const prompt = format.renderer?.render(messages, { addGenerationPrompt: true });
 * const stop = format.stopStrings;
 * ```
 */
export function fromModelMetadata(metadata: ModelMetadata, options: ModelMetadataOptions = {}): ModelChatFormat {
  const warnings: TemplateWarning[] = [];
  const bosToken = options.bosToken ?? tokenText(metadata, 'tokenizer.ggml.bos_token_id', warnings);
  const eosToken = options.eosToken ?? tokenText(metadata, 'tokenizer.ggml.eos_token_id', warnings);
  const endOfTurn = [
    tokenText(metadata, 'tokenizer.ggml.eot_token_id', warnings),
    tokenText(metadata, 'tokenizer.ggml.eom_token_id', warnings),
  ];
  const extraStopStrings = endOfTurn.filter((text): text is string => text !== undefined);

  const chatTemplateValue = lookup(metadata, TEMPLATE_KEY);
  const chatTemplate = typeof chatTemplateValue === 'string' ? chatTemplateValue : undefined;
  const namedTemplates: Record<string, string> = {};
  for (const [key, value] of entries(metadata)) {
    if (key.startsWith(`${TEMPLATE_KEY}.`) && typeof value === 'string')
      namedTemplates[key.slice(TEMPLATE_KEY.length + 1)] = value;
  }

  const renderers: Record<string, ChatRenderer> = {};
  const detections: Record<string, TemplateDetection> = {};
  const sources: [string, string | undefined][] = [['default', chatTemplate], ...Object.entries(namedTemplates)];
  for (const [name, source] of sources) {
    if (source === undefined || source.trim() === '') continue;
    try {
      const detection = detectTemplate(source, { bosToken, eosToken });
      detections[name] = detection;
      renderers[name] = jinjaRenderer(source, { bosToken, eosToken, extraStopStrings }, detection);
    } catch (error) {
      if (!TemplateError.isInstance(error)) throw error;
      warnings.push({
        code: 'WARN_TEMPLATE_INVALID',
        message: `Chat template '${name}' cannot be used: ${error.message}`,
      });
    }
  }
  if (chatTemplate === undefined) {
    warnings.push({
      code: 'WARN_NO_CHAT_TEMPLATE',
      message: `The model has no ${TEMPLATE_KEY}; choose a preset or provide a template`,
    });
  }

  let selected = options.templateName ?? 'default';
  if (selected !== 'default' && !(selected in namedTemplates)) {
    warnings.push({
      code: 'WARN_TEMPLATE_NAME_UNKNOWN',
      message: `The model has no chat template named '${selected}'; using the default one`,
    });
    selected = 'default';
  }
  const renderer = renderers[selected];
  const addBos = lookup(metadata, 'tokenizer.ggml.add_bos_token');
  return {
    chatTemplate,
    namedTemplates,
    bosToken,
    eosToken,
    addBosToken: typeof addBos === 'boolean' ? addBos : undefined,
    renderer,
    renderers,
    detection: detections[selected],
    stopStrings:
      renderer?.stopStrings ?? [eosToken, ...extraStopStrings].filter((text): text is string => text !== undefined),
    warnings,
  };
}
