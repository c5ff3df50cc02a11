import { Gpt4AllError, type Context, type GenerateResult } from '@gpt4all/core';
import type { LegacyTemplate, TemplateSource } from '@gpt4all/templates';
import { renderPrompt, resolveChatFormat, type ChatFormat } from './chat-format.js';
import { copyMessage, withObjectArguments, type ChatMessage } from './chat-message.js';
import { textStream, type ReplyPart, type TextStream } from './chat-stream.js';
import { resolveToolChoice, responseSchema, ToolSet, type InvalidToolCall, type ToolCall, type ToolResultMessage } from './chat-tools.js';
import { replyGrammar } from './reply-grammar.js';
import { createOutputSplitter, detectToolCallFormat, promptOpensReasoning, type ToolCallFormat } from './tool-calls/index.js';
import { ChatError, invalidArgument } from './errors/chat-error.js';
import type { Model } from './model.js';
import { fitConversation, type ContextOverflowPolicy } from './overflow-policy.js';
import type { Prompt } from './prompt-tokens.js';
import { catalogSampling, pickSampling, resolveSampling, stopStrings, type SamplingOptions } from './sampling-defaults.js';
import { isMessage, sessionOptionsFromJSON, type ChatSessionJSON } from './session-json.js';
import type { AbortedReplyPolicy, ChatReply, ChatSessionOptions, SendOptions } from './session-options.js';
import { TaskQueue } from './task-queue.js';
import { ExactTextStream } from './exact-text-stream.js';

/** @internal How a session gets its context: its own (the default), or one it shares and does not dispose. */
export interface SessionContextSource {
  context: () => Promise<Context>;
  owned: boolean;
}

/**
 * A conversation with a model. Each reply renders the whole conversation with the chat template
 * and evaluates only the tokens its context does not already hold, so a long chat costs what its
 * new tokens cost — also after `messages` is edited, up to the first changed token. Replies keep
 * the token ids the model generated (`tokens` on assistant messages), which the next prompt uses
 * where the template prints the reply unchanged; message text never produces control tokens
 * unless `specialTokensInContent` is set.
 *
 * Calls on one session run one at a time, in order. Sessions of one model each have their own
 * context and can run side by side.
 */
export class ChatSession {
  readonly model: Model;
  /** Where the chat template came from: the caller (`'user'`), the catalog entry, or the model file. */
  readonly templateSource: TemplateSource;
  /** Strings that end a reply: the template's and the model's end-of-turn markers, plus the session's `stop`. */
  readonly stopStrings: readonly string[];
  /** Tokens the session's context holds. */
  readonly contextSize: number;
  #format: ChatFormat;
  #template: string | LegacyTemplate | undefined;
  #sampling: SamplingOptions;
  #policy: ContextOverflowPolicy;
  #abortedReply: AbortedReplyPolicy;
  #extraStop: string[];
  #specialTokensInContent: boolean;
  #tools: ToolSet;
  #maxToolRounds: number;
  #toolFormat: ToolCallFormat | undefined;
  #messages: ChatMessage[];
  #windowStart = 0;
  // Bumped whenever the history is replaced, so a reply in flight does not land in a new history.
  #epoch = 0;
  #queue = new TaskQueue();
  #source: SessionContextSource;
  #context: Promise<Context> | undefined;
  #disposed = false;
  #disposal = new AbortController();

  /** @internal Use `model.createChatSession()`. */
  constructor(model: Model, options: ChatSessionOptions = {}, source?: SessionContextSource) {
    this.model = model;
    this.#format = resolveChatFormat(model.templateInfo(), model.catalogEntry, options.template, model.displayName);
    this.#template = typeof options.template === 'string' || isLegacy(options.template) ? options.template : undefined;
    this.templateSource = this.#format.source;
    this.#sampling = pickSampling(options);
    resolveSampling(this.#sampling); // fail now, not at the first send
    this.#policy = oneOf('contextOverflow', options.contextOverflow ?? 'drop-oldest', ['drop-oldest', 'error']);
    this.#abortedReply = oneOf('abortedReply', options.abortedReply ?? 'keep', ['keep', 'discard']);
    this.#extraStop = [...(options.stop ?? [])];
    this.#specialTokensInContent = options.specialTokensInContent === true;
    this.#tools = new ToolSet(options.tools);
    this.#maxToolRounds = options.maxToolRounds ?? 8;
    if (!Number.isInteger(this.#maxToolRounds) || this.#maxToolRounds < 0) throw invalidArgument(`maxToolRounds must be a whole number >= 0, got ${options.maxToolRounds}`);
    this.stopStrings = [...new Set([...this.#format.stopStrings, ...this.#extraStop])].filter((s) => s !== '');
    this.contextSize = model.defaultContextSize(options.contextSize);
    this.#source = source ?? {
      context: () =>
        model.engine.createContext({
          contextSize: this.contextSize,
          batchSize: model.defaultBatchSize(options.batchSize),
          threads: model.defaultThreads(options.threads),
        }),
      owned: true,
    };
    this.#messages = initialMessages(options, this.#format.defaultSystemMessage);
  }

  /** Restores a session saved with {@link ChatSession.toJSON}; `options` override what was saved. */
  static fromJSON(json: ChatSessionJSON | string, model: Model, options: ChatSessionOptions = {}): ChatSession {
    return model.createChatSession({ ...sessionOptionsFromJSON(json), ...options });
  }

  /**
   * The conversation so far (a copy). Assign a new list to edit history: the next reply reuses
   * the KV cache up to the first token that changed. Replies carry `tokens`, the ids the model
   * generated; a reply whose `content` you edit is tokenized as text (its `tokens` no longer
   * spell it), so they need not be removed.
   */
  get messages(): ChatMessage[] {
    return this.#messages.map(copyMessage);
  }

  set messages(messages: readonly ChatMessage[]) {
    if (!Array.isArray(messages) || !messages.every(isMessage)) throw invalidArgument('messages must be a list of { role, content }');
    this.#replaceHistory(messages.map((m) => withObjectArguments(copyMessage(m))));
  }

  /**
   * Sends a user message (a string), or the results of the tools the last reply called
   * (`{ role: 'tool', toolCallId, content }`, one or a list), and resolves with the reply, which
   * is also appended to `messages`. When the reply calls tools that have `execute`, the session
   * runs them and replies again, up to `maxToolRounds` times (later rounds use `toolChoice: 'auto'`).
   * @throws {ChatError} `ERR_TOOL_CALL_INVALID` when a forced call cannot be read or fails its schema.
   * @throws {SchemaError} for a `responseFormat` schema the grammar cannot enforce (`@gpt4all/core`).
   */
  send(input: string | ToolResultMessage | readonly ToolResultMessage[], options: SendOptions = {}): Promise<ChatReply> {
    let messages: ChatMessage[];
    try {
      messages = this.#inputMessages(input);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#queue.run(() => this.#converse(messages, { ...options, signal: this.#untilDisposed(options.signal) }, undefined));
  }

  /**
   * Like {@link ChatSession.send}, streaming the reply: iterate it for the answer's text, or its
   * `parts` for reasoning, text, tool calls and tool results apart. Leaving the loop early aborts it.
   */
  stream(input: string | ToolResultMessage | readonly ToolResultMessage[], options: SendOptions = {}): TextStream<ChatReply> {
    return textStream((emit, closed) => {
      const signal = this.#untilDisposed(options.signal ? AbortSignal.any([options.signal, closed]) : closed);
      let messages: ChatMessage[];
      try {
        messages = this.#inputMessages(input);
      } catch (error) {
        return Promise.reject(error);
      }
      return this.#queue.run(() => this.#converse(messages, { ...options, signal }, emit));
    });
  }

  /**
   * Replaces the last reply with a new one (or answers a trailing user message). Only the reply is
   * evaluated again: the prompt is still in the cache.
   * @throws {ChatError} `ERR_INVALID_STATE` when there is no user message to answer.
   */
  regenerate(options: SendOptions = {}): Promise<ChatReply> {
    return this.#queue.run(() => this.#converse(undefined, { ...options, signal: this.#untilDisposed(options.signal) }, undefined));
  }

  /**
   * The prompt a reply to `messages` (default: the current history) is generated from: the
   * template's text, and the token ids the model is given, in which message text is plain text
   * (unless `specialTokensInContent`) and replies are their generated `tokens` where the template
   * printed them unchanged. The overflow policy may leave old turns out of the real one.
   */
  renderPrompt(messages: readonly ChatMessage[] = this.#messages, options: { tools?: boolean } = {}): Prompt {
    const tools = options.tools !== false && this.#tools.size > 0 ? this.#tools.definitions : undefined;
    return this.model.promptTokenizer().prompt(this.#format, messages, { specialTokensInContent: this.#specialTokensInContent, tools });
  }

  /** The tool-call and reasoning format of the session's chat template (its family: Hermes, Llama 3, ...). */
  get toolCallFormat(): ToolCallFormat {
    this.#toolFormat ??= detectToolCallFormat(this.#format.renderer.template);
    return this.#toolFormat;
  }

  /** Clears the history, keeping the system message. */
  reset(): void {
    this.#replaceHistory(this.#messages[0]?.role === 'system' ? [this.#messages[0]] : []);
  }

  /** The session as plain JSON, to restore with {@link ChatSession.fromJSON}. */
  toJSON(): ChatSessionJSON {
    return {
      type: 'gpt4all-chat-session',
      version: 1,
      messages: this.messages,
      ...(this.#template === undefined ? {} : { template: this.#template }),
      contextSize: this.contextSize,
      contextOverflow: this.#policy,
      abortedReply: this.#abortedReply,
      stop: [...this.#extraStop],
      ...(this.#specialTokensInContent ? { specialTokensInContent: true } : {}),
      sampling: { ...this.#sampling },
    };
  }

  /** Stops a running reply and frees the session's context. Calling it again does nothing. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    // A reply on the model's shared context is stopped here; an owned context is disposed below.
    this.#disposal.abort();
    this.model.untrack(this);
    const disposeContext = async () => {
      if (this.#context && this.#source.owned) await this.#context.then((c) => c.dispose(), () => {});
    };
    // Disposing the context aborts a running reply; a call already past its checks may still
    // create one, hence the second pass once the queue is idle.
    await disposeContext();
    await this.#queue.idle();
    await disposeContext();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  #replaceHistory(messages: ChatMessage[]) {
    this.#messages = messages;
    this.#windowStart = 0;
    this.#epoch++;
  }

  /** The messages `send()` adds: a user message, or tool results (named after their calls). */
  #inputMessages(input: string | ToolResultMessage | readonly ToolResultMessage[]): ChatMessage[] {
    if (typeof input === 'string') return [{ role: 'user', content: input }];
    const results = Array.isArray(input) ? input : [input];
    if (results.length === 0 || !results.every(isToolResult)) {
      throw invalidArgument("send() takes a string, or tool results { role: 'tool', toolCallId, content } (content a string)");
    }
    const calls = new Map(this.#messages.flatMap((m) => m.tool_calls ?? []).map((call) => [call.id, call.function.name]));
    return results.map((r) => ({ role: 'tool', tool_call_id: r.toolCallId, name: calls.get(r.toolCallId) ?? '', content: r.content }));
  }

  /** One reply, then the rounds of tools the session runs itself. */
  async #converse(input: ChatMessage[] | undefined, options: SendOptions, emit: ((part: ReplyPart) => void) | undefined): Promise<ChatReply> {
    const turnStart = this.#messages;
    const epoch = this.#epoch;
    let reply = await this.#reply(input, options, emit);
    try {
      for (let round = 0; round < this.#maxToolRounds; round++) {
        const tools = reply.toolCalls.map((call) => this.#tools.get(call.name));
        if (reply.toolCalls.length === 0 || reply.finishReason === 'abort' || !tools.every((tool) => tool?.execute)) break;
        const results: ChatMessage[] = [];
        for (const [i, call] of reply.toolCalls.entries()) {
          // Once aborted, no further tool runs (a tool may have side effects); the calls left get
          // a result that says so, so that no call in the history lacks one.
          const content = options.signal?.aborted ? JSON.stringify({ error: 'not run: the reply was aborted' }) : await runTool(tools[i]!.execute!, call, options.signal);
          emit?.({ type: 'tool-result', toolCallId: call.id, name: call.name, content });
          results.push({ role: 'tool', tool_call_id: call.id, name: call.name, content });
        }
        if (options.signal?.aborted) {
          // Aborted while the tools ran: the turn ends here, with their results (or not at all).
          const discard = (options.abortedReply ?? this.#abortedReply) === 'discard';
          if (this.#epoch === epoch) this.#messages = discard ? turnStart : [...this.#messages, ...results];
          return { ...reply, finishReason: 'abort' };
        }
        const next = await this.#reply(results, { ...options, toolChoice: 'auto' }, emit);
        reply = { ...next, usage: addUsage(reply.usage, next.usage) };
      }
    } catch (error) {
      // A later round failed (a tool result over the context, say): the whole turn is undone,
      // rather than leaving a call without its result.
      if (this.#epoch === epoch) this.#messages = turnStart;
      throw error;
    }
    return reply;
  }

  async #reply(input: ChatMessage[] | undefined, options: SendOptions, emit: ((part: ReplyPart) => void) | undefined): Promise<ChatReply> {
    if (this.#disposed) throw new Gpt4AllError('ERR_DISPOSED', 'the chat session has been disposed');
    const sampling = resolveSampling(catalogSampling(this.model.catalogEntry), this.#sampling, options);
    const stop = stopStrings(options.stop);
    const replyLimit = sampling.maxTokens === -1 ? Infinity : sampling.maxTokens;
    const abortedReply = oneOf('abortedReply', options.abortedReply ?? this.#abortedReply, ['keep', 'discard']);
    const toolChoice = resolveToolChoice(options.toolChoice, this.#tools);
    const schema = responseSchema(options.responseFormat);
    if (options.grammar !== undefined && (schema !== undefined || (toolChoice !== 'none' && toolChoice !== 'auto'))) {
      throw invalidArgument('grammar excludes responseFormat and a forced toolChoice');
    }
    const epoch = this.#epoch;
    const before = this.#messages;
    const replaced = input === undefined && before.at(-1)?.role === 'assistant' ? before.at(-1) : undefined;
    const conversation = input ? [...before, ...input] : replaced ? before.slice(0, -1) : before;
    const last = conversation.at(-1)?.role;
    if (last !== 'user' && last !== 'tool') throw new ChatError('ERR_INVALID_STATE', 'there is no user message or tool result to reply to');
    // The new messages are part of the history while the reply is generated.
    this.#messages = conversation;

    const withTools = toolChoice !== 'none';
    const tools = withTools ? this.#tools.definitions : [];
    // Without tools in play, nothing is read as a call (a JSON reply is just text).
    const format: ToolCallFormat = withTools ? this.toolCallFormat : { ...this.toolCallFormat, triggers: [], startsWithCall: false };
    let result: GenerateResult;
    let windowStart: number;
    let opensReasoning = false;
    const splitter = { current: undefined as ReturnType<typeof createOutputSplitter> | undefined };
    const exact = new ExactTextStream();
    try {
      const context = await this.#getContext();
      const fitted = fitConversation({
        messages: conversation,
        windowStart: this.#windowStart,
        contextSize: context.contextSize,
        replyRoom: replyLimit,
        policy: this.#policy,
        tokenize: (messages) => this.renderPrompt(messages, { tools: withTools }).tokens,
      });
      windowStart = fitted.windowStart;
      // Whether the prompt ends inside a thinking block does not depend on the turns left out.
      opensReasoning = promptOpensReasoning(renderPrompt(this.#format, conversation, withTools ? tools : undefined), format);
      const grammar = options.grammar ?? replyGrammar({ format, tools, toolChoice, schema, promptOpensReasoning: opensReasoning });
      // With a response schema, a family whose calls are bare JSON writes the answer alone (see
      // replyGrammar), and its JSON is not read as a call.
      const jsonAnswer = schema !== undefined && toolChoice === 'auto' && format.startsWithCall;
      splitter.current = createOutputSplitter(jsonAnswer ? { ...format, startsWithCall: false } : format, { promptOpensReasoning: opensReasoning, tools });
      result = await context.generate(fitted.tokens, {
        ...sampling,
        maxTokens: Math.min(replyLimit, fitted.replyRoom),
        stop: [...this.stopStrings, ...stop],
        signal: options.signal,
        grammar,
        logitBias: options.logitBias,
        // Several families write their calls with control tokens (`<|python_tag|>`, `[TOOL_CALLS]`).
        special: withTools,
        // Without a listener the text is split once it is complete (no chunk events at all).
        onToken:
          emit || options.onToken
            ? (chunk) => {
                options.onToken?.(chunk.text, chunk.token);
                exact.generated(chunk.text);
                const parts = exact.adjust(pushSplit(splitter.current!, chunk.text));
                if (emit) for (const part of parts) emit(part);
              }
            : undefined,
      });
      if (!emit && !options.onToken) pushSplit(splitter.current, result.text);
    } catch (error) {
      if (this.#epoch === epoch) this.#messages = before;
      throw error;
    }

    const { parts, result: parsed } = finishSplit(splitter.current, result.text, result.finishReason === 'length');
    if (emit) for (const part of exact.adjust(parts)) emit(part);
    const toolCalls: ToolCall[] = [];
    const invalidToolCalls: InvalidToolCall[] = parsed.problems.map(({ reason, raw }) => ({ reason, raw }));
    for (const call of parsed.toolCalls) {
      const problem = this.#tools.argumentErrors(call.name, call.arguments);
      if (problem) invalidToolCalls.push({ reason: `arguments of ${call.name} do not fit its parameters: ${problem}`, raw: JSON.stringify({ name: call.name, arguments: call.arguments }) });
      else toolCalls.push({ id: callId(format, call.id), name: call.name, arguments: call.arguments as Record<string, unknown> });
    }
    const forced = toolChoice === 'required' || typeof toolChoice === 'object';
    if (forced && toolCalls.length === 0 && result.finishReason !== 'abort') {
      if (this.#epoch === epoch) this.#messages = before;
      const why = invalidToolCalls[0]?.reason ?? (result.finishReason === 'length' ? 'truncated: the reply ended at maxTokens before the call' : 'the reply holds no tool call');
      throw new ChatError('ERR_TOOL_CALL_INVALID', `the forced tool call could not be used: ${why}`);
    }
    for (const toolCall of toolCalls) emit?.({ type: 'tool-call', toolCall });
    // A reply that is plain text keeps its text exactly as generated.
    const plain = parsed.reasoning === undefined && parsed.toolCalls.length === 0 && parsed.problems.length === 0;
    const text = plain ? result.text : parsed.text;
    if (emit && plain) for (const part of exact.rest(text)) emit(part);

    if (this.#epoch === epoch) {
      this.#windowStart = windowStart;
      const discard = result.finishReason === 'abort' && abortedReply === 'discard';
      const reply: ChatMessage = { role: 'assistant', content: text };
      if (parsed.reasoning !== undefined) reply.reasoning_content = parsed.reasoning;
      if (toolCalls.length > 0) reply.tool_calls = toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
      const tokens = this.model.promptTokenizer().replyTokens(result.tokens, text);
      if (tokens && plain) reply.tokens = tokens;
      this.#messages = discard ? before : [...conversation, reply];
    }
    return {
      text,
      reasoning: parsed.reasoning,
      toolCalls,
      invalidToolCalls,
      finishReason: result.finishReason,
      usage: { promptTokens: result.promptTokens, completionTokens: result.completionTokens, cachedTokens: result.cachedTokens },
      timings: result.timings,
      droppedMessages: windowStart,
    };
  }

  /** `signal`, also raised when the session is disposed. */
  #untilDisposed(signal: AbortSignal | undefined): AbortSignal {
    return signal ? AbortSignal.any([signal, this.#disposal.signal]) : this.#disposal.signal;
  }

  #getContext(): Promise<Context> {
    if (!this.#context) {
      const created = this.#source.context();
      this.#context = created;
      // A failed creation is retried by the next call rather than remembered.
      created.catch(() => {
        if (this.#context === created) this.#context = undefined;
      });
    }
    return this.#context;
  }
}

function initialMessages(options: ChatSessionOptions, defaultSystemMessage: string | undefined): ChatMessage[] {
  const seeded = options.messages ?? [];
  if (!Array.isArray(seeded) || !seeded.every(isMessage)) throw invalidArgument('messages must be a list of { role, content }');
  const messages = seeded.map((m) => withObjectArguments(copyMessage(m)));
  if (messages[0]?.role === 'system') return messages;
  const system = options.systemMessage === undefined ? defaultSystemMessage : options.systemMessage;
  return system ? [{ role: 'system', content: system }, ...messages] : messages;
}

function isToolResult(value: unknown): value is ToolResultMessage {
  const message = value as ToolResultMessage;
  return typeof value === 'object' && value !== null && message.role === 'tool' && typeof message.toolCallId === 'string' && typeof message.content === 'string';
}

/** Runs a tool: its result as the tool message's text (a throw becomes `{"error": message}`). */
async function runTool(execute: NonNullable<import('./chat-tools.js').ChatTool['execute']>, call: ToolCall, signal: AbortSignal | undefined): Promise<string> {
  try {
    const value = await execute(call.arguments, { id: call.id, name: call.name, signal });
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
  } catch (error) {
    return JSON.stringify({ error: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Mistral's templates accept only 9-character alphanumeric call ids (they raise otherwise); a
 * call whose model wrote no such id gets one, so that the next prompt renders.
 */
function callId(format: ToolCallFormat, id: string): string {
  if (!format.id.startsWith('mistral') || /^[a-zA-Z0-9]{9}$/.test(id)) return id;
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(9)), (b) => alphabet[b % alphabet.length]).join('');
}

type Splitter = ReturnType<typeof createOutputSplitter>;

/**
 * The splitter never throws on model output by design; should it still (a pathological nesting
 * depth), the reply is plain text rather than a failed send.
 */
function pushSplit(splitter: Splitter, text: string): ReplyPart[] {
  try {
    return splitter.push(text);
  } catch {
    return [];
  }
}

function finishSplit(splitter: Splitter, text: string, truncated: boolean): ReturnType<Splitter['finish']> {
  try {
    return splitter.finish({ truncated });
  } catch (error) {
    const reason = `not a tool call: the output could not be read (${error instanceof Error ? error.message : String(error)})`;
    return { parts: [{ type: 'text', text }], result: { text, reasoning: undefined, toolCalls: [], problems: [{ reason, raw: text }] } };
  }
}

function addUsage(a: ChatReply['usage'], b: ChatReply['usage']): ChatReply['usage'] {
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens, cachedTokens: a.cachedTokens + b.cachedTokens };
}

function isLegacy(template: unknown): template is LegacyTemplate {
  return typeof template === 'object' && template !== null && typeof (template as LegacyTemplate).promptTemplate === 'string';
}

function oneOf<T extends string>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw invalidArgument(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}
