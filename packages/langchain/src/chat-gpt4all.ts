import {
  createCompletion,
  streamCompletion,
  type ChatCompletion,
  GPT4ALL_DEFAULTS,
  type ChatTemplate,
  type ChatTool,
  type ContextOverflowPolicy,
  type CreateCompletionOptions,
  type LoadModelOptions,
  type ResponseFormat,
  type SamplingOptions,
  type ToolChoice,
} from '@gpt4all/chat';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput, StructuredOutputMethodOptions, ToolDefinition } from '@langchain/core/language_models/base';
import { BaseChatModel, type BaseChatModelCallOptions, type BaseChatModelParams, type BindToolsInput, type LangSmithParams } from '@langchain/core/language_models/chat_models';
import { assembleStructuredOutputPipeline, createContentParser, createFunctionCallingParser } from '@langchain/core/language_models/structured_output';
import { AIMessage, AIMessageChunk, type BaseMessage, type MessageContent, type UsageMetadata } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { isSerializableSchema } from '@langchain/core/utils/standard_schema';
import { getSchemaDescription, isInteropZodSchema } from '@langchain/core/utils/types';
import { toChatMessages } from './convert-messages.js';
import { abortError, ModelHandle, type ModelSource } from './model-handle.js';

/** Options of {@link ChatGpt4All}: the model, how it is loaded, and its default sampling. */
export interface ChatGpt4AllInput extends BaseChatModelParams, SamplingOptions {
  /** A catalog name, file name, `hf:` reference or path (loaded at the first call), or a `Model` you loaded. */
  model: ModelSource;
  /** How the model is found and loaded (`@gpt4all/chat`'s `loadModel` options: model directory, GPU layers, threads, parallel sequences...). */
  loadOptions?: LoadModelOptions;
  /** The chat template: a preset name, Jinja source or legacy `%1`/`%2` template. Default: the catalog's, else the file's own. */
  template?: ChatTemplate;
  /** A prompt longer than the context: `'error'` (default; `ContextOverflowError`) or `'drop-oldest'` (oldest messages left out). */
  contextOverflow?: ContextOverflowPolicy;
  /** Stop strings for every call. */
  stop?: string[];
  /** `invoke()` streams underneath (callbacks get each token). */
  streaming?: boolean;
}

/** Per-call options (`model.invoke(messages, options)`, `bind`, `withConfig`). */
export interface ChatGpt4AllCallOptions extends BaseChatModelCallOptions {
  /** Tools the model may call (LangChain tools, zod-described tools or OpenAI tool definitions); `bindTools` sets them. */
  tools?: (ToolDefinition | BindToolsInput)[];
  /** `'auto'`, `'none'`, `'required'` (or `'any'`), or a tool's name. */
  tool_choice?: string | { type: 'function'; function: { name: string } };
  /** The reply's text must be JSON: `{ type: 'json_object' }` or `{ type: 'json_schema', schema }` (enforced by a grammar). */
  response_format?: ResponseFormat;
  /** A GBNF grammar for the reply (llama.cpp syntax). */
  grammar?: string;
}

/**
 * A local GGUF chat model as a LangChain chat model: `invoke`, `stream`, `batch`, tool calls
 * (`bindTools`), structured output (`withStructuredOutput`, enforced by a grammar) and abort
 * (`signal`). It runs in this process on the model's shared context (`@gpt4all/chat`'s
 * `createCompletion`): concurrent calls decode together, and a conversation that grows by a turn
 * evaluates only the new turn. Free the model with `dispose()` (`await using` works).
 *
 * @example
 * ```ts
 * const chat = new ChatGpt4All({ model: 'Llama 3.2 1B Instruct', temperature: 0 });
 * const reply = await chat.invoke([new HumanMessage('What is the capital of France?')]);
 * ```
 * Errors are `@gpt4all/chat`'s typed errors: `ModelNotFoundError`, `ModelLoadError`,
 * `ContextOverflowError`, `ChatError` (`ERR_TOOL_CALL_INVALID`), `Gpt4AllError` (`ERR_INVALID_ARGUMENT`).
 */
export class ChatGpt4All extends BaseChatModel<ChatGpt4AllCallOptions, AIMessageChunk> implements AsyncDisposable {
  static lc_name(): string {
    return 'ChatGpt4All';
  }

  readonly model: string;
  readonly sampling: SamplingOptions;
  readonly template: ChatTemplate | undefined;
  readonly contextOverflow: ContextOverflowPolicy;
  readonly stop: string[] | undefined;
  readonly streaming: boolean;
  readonly #handle: ModelHandle;

  constructor(fields: ChatGpt4AllInput) {
    super(fields);
    const { model, loadOptions, template, contextOverflow, stop, streaming } = fields;
    this.#handle = new ModelHandle(model, loadOptions);
    this.model = this.#handle.name;
    this.sampling = Object.fromEntries(SAMPLING_KEYS.filter((key) => fields[key] !== undefined).map((key) => [key, fields[key]]));
    this.template = template;
    this.contextOverflow = contextOverflow ?? 'error';
    this.stop = stop;
    this.streaming = streaming ?? false;
  }

  _llmType(): string {
    return 'gpt4all';
  }

  override getLsParams(options: this['ParsedCallOptions']): LangSmithParams {
    return {
      ls_provider: 'gpt4all',
      ls_model_name: this.model,
      ls_model_type: 'chat',
      ls_temperature: this.sampling.temperature,
      ls_max_tokens: this.sampling.maxTokens,
      ls_stop: options.stop ?? this.stop,
    };
  }

  override invocationParams(options?: this['ParsedCallOptions']): CreateCompletionOptions {
    const tools = options?.tools?.map((tool) => convertToOpenAITool(tool as never) as ChatTool);
    return {
      ...this.sampling,
      template: this.template,
      contextOverflow: this.contextOverflow,
      stop: options?.stop ?? this.stop,
      ...(tools && tools.length > 0 ? { tools, toolChoice: toToolChoice(options?.tool_choice) } : {}),
      ...(options?.response_format ? { responseFormat: options.response_format } : {}),
      ...(options?.grammar ? { grammar: options.grammar } : {}),
    };
  }

  /**
   * Tokens in `content` by the model's own tokenizer (text blocks only; no BOS), loading the model
   * if needed. LangChain's default would fetch a tiktoken vocabulary over the network.
   */
  override async getNumTokens(content: MessageContent): Promise<number> {
    const text = typeof content === 'string' ? content : content.map((block) => (block.type === 'text' && typeof block.text === 'string' ? block.text : '')).join('');
    const model = await this.#handle.get();
    return model.engine.tokenize(text, { addSpecial: false }).length;
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<ChatGpt4AllCallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, ChatGpt4AllCallOptions> {
    return this.withConfig({ tools: tools.map((tool) => convertToOpenAITool(tool)), ...kwargs });
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    if (this.streaming) {
      let whole: ChatGenerationChunk | undefined;
      for await (const chunk of this._streamResponseChunks(messages, options, runManager)) whole = whole ? whole.concat(chunk) : chunk;
      if (!whole) return { generations: [] };
      const { content, tool_calls, additional_kwargs, usage_metadata, response_metadata } = whole.message as AIMessageChunk;
      const message = new AIMessage({ content, tool_calls, additional_kwargs, usage_metadata, response_metadata });
      return { generations: [{ text: whole.text, message, generationInfo: whole.generationInfo }] };
    }
    const model = await this.#handle.get(options.signal);
    const completion = await createCompletion(model, toChatMessages(messages), { ...this.invocationParams(options), signal: options.signal });
    throwIfAborted(options.signal, completion);
    const { message: reply, finish_reason } = completion.choices[0];
    const message = new AIMessage({
      content: reply.content,
      tool_calls: (reply.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, args: JSON.parse(call.function.arguments) as Record<string, unknown>, type: 'tool_call' })),
      additional_kwargs: reply.reasoning_content ? { reasoning_content: reply.reasoning_content } : {},
      usage_metadata: usageMetadata(completion),
      response_metadata: responseMetadata(completion),
    });
    return { generations: [{ text: reply.content, message, generationInfo: { finish_reason } }], llmOutput: { tokenUsage: completion.usage } };
  }

  async *_streamResponseChunks(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    const model = await this.#handle.get(options.signal);
    const stream = streamCompletion(model, toChatMessages(messages), { ...this.invocationParams(options), signal: options.signal });
    let calls = 0;
    for await (const part of stream.parts) {
      let message: AIMessageChunk;
      if (part.type === 'text') message = new AIMessageChunk({ content: part.text });
      else if (part.type === 'reasoning') message = new AIMessageChunk({ content: '', additional_kwargs: { reasoning_content: part.text } });
      else if (part.type === 'tool-call') {
        const { id, name, arguments: args } = part.toolCall;
        message = new AIMessageChunk({ content: '', tool_call_chunks: [{ type: 'tool_call_chunk', id, name, args: JSON.stringify(args), index: calls++ }] });
      } else continue; // tool results: no tool here has `execute`, so the session runs none
      const chunk = new ChatGenerationChunk({ text: part.type === 'text' ? part.text : '', message });
      yield chunk;
      if (part.type === 'text') await runManager?.handleLLMNewToken(part.text, undefined, undefined, undefined, undefined, { chunk });
    }
    const completion = await stream.result;
    throwIfAborted(options.signal, completion);
    yield new ChatGenerationChunk({
      text: '',
      message: new AIMessageChunk({ content: '', usage_metadata: usageMetadata(completion), response_metadata: responseMetadata(completion) }),
      generationInfo: { finish_reason: completion.choices[0].finish_reason },
    });
  }

  /**
   * Output parsed from a zod schema (or a JSON schema). `method`: `'jsonSchema'` (default; the
   * reply is JSON the schema's grammar allows, so it is valid even from a weak model),
   * `'functionCalling'` (a forced call of a tool with the schema as its parameters, also under a
   * grammar), or `'jsonMode'` (any JSON object, validated afterwards).
   */
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(outputSchema: unknown, config?: StructuredOutputMethodOptions<false>): Runnable<BaseLanguageModelInput, RunOutput>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(outputSchema: unknown, config?: StructuredOutputMethodOptions<true>): Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(
    outputSchema: unknown,
    config?: StructuredOutputMethodOptions<boolean>,
  ): Runnable<BaseLanguageModelInput, RunOutput> | Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }> {
    const schema = outputSchema as Record<string, any>;
    const method = config?.method ?? 'jsonSchema';
    const jsonSchema = (isInteropZodSchema(schema) || isSerializableSchema(schema) ? toJsonSchema(schema as never) : schema) as Record<string, unknown>;
    if (method === 'functionCalling') {
      const name = config?.name ?? (typeof schema.name === 'string' && !isInteropZodSchema(schema) ? schema.name : 'extract');
      const description = getSchemaDescription(schema as never) ?? 'Returns the answer in this shape.';
      const llm = this.withConfig({ tools: [{ type: 'function', function: { name, description, parameters: jsonSchema } }], tool_choice: name });
      return assembleStructuredOutputPipeline<RunOutput>(llm, createFunctionCallingParser<RunOutput>(schema as never, name), config?.includeRaw, 'ChatGpt4AllStructuredOutput');
    }
    if (method !== 'jsonSchema' && method !== 'jsonMode') throw new Error(`withStructuredOutput: method must be 'jsonSchema', 'functionCalling' or 'jsonMode', got '${method}'`);
    const format: ResponseFormat = method === 'jsonMode' ? { type: 'json_object' } : { type: 'json_schema', schema: jsonSchema };
    const llm = this.withConfig({ response_format: format });
    return assembleStructuredOutputPipeline<RunOutput>(llm, createContentParser<RunOutput>(schema as never), config?.includeRaw, 'ChatGpt4AllStructuredOutput');
  }

  /** Frees the model, if this instance loaded it. */
  async dispose(): Promise<void> {
    await this.#handle.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** The sampling fields of the options: those GPT4All has defaults for, and the seed. */
const SAMPLING_KEYS = [...Object.keys(GPT4ALL_DEFAULTS), 'seed'] as (keyof SamplingOptions)[];

function toToolChoice(choice: ChatGpt4AllCallOptions['tool_choice']): ToolChoice | undefined {
  if (choice === undefined || typeof choice === 'object') return choice;
  if (choice === 'any') return 'required';
  return choice === 'auto' || choice === 'none' || choice === 'required' ? choice : { name: choice };
}

function throwIfAborted(signal: AbortSignal | undefined, completion: ChatCompletion): void {
  if (completion.choices[0].finish_reason === 'abort' && signal?.aborted) throw abortError(signal);
}

function usageMetadata(completion: ChatCompletion): UsageMetadata {
  const { prompt_tokens, completion_tokens, cached_tokens } = completion.usage;
  return { input_tokens: prompt_tokens, output_tokens: completion_tokens, total_tokens: prompt_tokens + completion_tokens, input_token_details: { cache_read: cached_tokens } };
}

/** Model name, finish reason, and prefill and decode timings (milliseconds, tokens/s). */
function responseMetadata(completion: ChatCompletion): Record<string, unknown> {
  return { model_name: completion.model, finish_reason: completion.choices[0].finish_reason, timings: completion.timings };
}
