import type { LanguageModelV4CallOptions, SharedV4Warning } from '@ai-sdk/provider';
import type { ChatTool, CreateCompletionOptions, ResponseFormat, ToolChoice } from '@gpt4all/chat';
import type { Gpt4AllChatSettings } from './chat-settings.js';

/**
 * Per-call options only this provider has, under `providerOptions.gpt4all` (llama.cpp's samplers
 * the AI SDK does not name).
 */
export interface Gpt4AllCallProviderOptions {
  /** Min-p sampling: drop tokens below this share of the likeliest one's probability. */
  minP?: number;
  /** Penalty on tokens of the last `repeatLastN` (llama.cpp's `penalty_repeat`). */
  repeatPenalty?: number;
  repeatLastN?: number;
  /** Token id → logit bias; `-Infinity` (or a very negative number) bans a token. */
  logitBias?: Record<string, number>;
  /** A GBNF grammar the reply must follow (llama.cpp's grammar syntax). */
  grammar?: string;
}

/**
 * The AI SDK's call options as `@gpt4all/chat` completion options, and warnings for what has no
 * equivalent here (provider-defined tools, reasoning effort). HTTP `headers` are ignored: the
 * model runs in this process (and the AI SDK sends its own on every call).
 */
export function toCompletionOptions(
  options: LanguageModelV4CallOptions,
  settings: Gpt4AllChatSettings,
): { completion: CreateCompletionOptions; warnings: SharedV4Warning[] } {
  const warnings: SharedV4Warning[] = [];
  const tools: ChatTool[] = [];
  for (const tool of options.tools ?? []) {
    if (tool.type === 'function') tools.push({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.inputSchema as Record<string, unknown> } });
    else warnings.push({ type: 'unsupported', feature: `provider-defined tool '${tool.id}'`, details: 'a local model calls function tools only' });
  }
  if (options.reasoning !== undefined && options.reasoning !== 'provider-default') {
    warnings.push({ type: 'unsupported', feature: 'reasoning', details: "a local model's reasoning follows its chat template; the effort cannot be set" });
  }
  const extra = (options.providerOptions?.gpt4all ?? {}) as Gpt4AllCallProviderOptions;
  const { template, contextOverflow, ...sampling } = settings;
  const fromCall: CreateCompletionOptions = {
    temperature: options.temperature,
    topP: options.topP,
    topK: options.topK,
    maxTokens: options.maxOutputTokens,
    presencePenalty: options.presencePenalty,
    frequencyPenalty: options.frequencyPenalty,
    seed: options.seed,
    minP: extra.minP,
    repeatPenalty: extra.repeatPenalty,
    repeatLastN: extra.repeatLastN,
    logitBias: extra.logitBias === undefined ? undefined : Object.fromEntries(Object.entries(extra.logitBias).map(([id, bias]) => [Number(id), bias])),
    grammar: extra.grammar,
  };
  const completion: CreateCompletionOptions = {
    ...sampling,
    ...Object.fromEntries(Object.entries(fromCall).filter(([, value]) => value !== undefined)),
    template,
    // The caller's messages are the prompt: one that does not fit is an error, never cut short.
    contextOverflow: contextOverflow ?? 'error',
    stop: options.stopSequences,
    signal: options.abortSignal,
    responseFormat: toResponseFormat(options.responseFormat),
    ...(tools.length > 0 ? { tools, toolChoice: toToolChoice(options.toolChoice) } : {}),
  };
  return { completion, warnings };
}

/** `{ type: 'json', schema }` is enforced by a grammar built from the schema; without one, any JSON object. */
function toResponseFormat(format: LanguageModelV4CallOptions['responseFormat']): ResponseFormat | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  return format.schema === undefined ? { type: 'json_object' } : { type: 'json_schema', schema: format.schema as Record<string, unknown> };
}

function toToolChoice(choice: LanguageModelV4CallOptions['toolChoice']): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  return choice.type === 'tool' ? { name: choice.toolName } : choice.type;
}
