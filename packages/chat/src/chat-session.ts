import { Gpt4AllError, type Context, type GenerateResult } from '@gpt4all/core';
import type { LegacyTemplate, TemplateSource } from '@gpt4all/templates';
import { resolveChatFormat, type ChatFormat } from './chat-format.js';
import { copyMessage, type ChatMessage } from './chat-message.js';
import { textStream, type TextStream } from './chat-stream.js';
import { ChatError, invalidArgument } from './errors/chat-error.js';
import type { Model } from './model.js';
import { fitConversation, type ContextOverflowPolicy } from './overflow-policy.js';
import type { Prompt } from './prompt-tokens.js';
import { catalogSampling, pickSampling, resolveSampling, stopStrings, type SamplingOptions } from './sampling-defaults.js';
import { isMessage, sessionOptionsFromJSON, type ChatSessionJSON } from './session-json.js';
import type { AbortedReplyPolicy, ChatReply, ChatSessionOptions, SendOptions } from './session-options.js';
import { TaskQueue } from './task-queue.js';

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
  #messages: ChatMessage[];
  #windowStart = 0;
  // Bumped whenever the history is replaced, so a reply in flight does not land in a new history.
  #epoch = 0;
  #queue = new TaskQueue();
  #source: SessionContextSource;
  #context: Promise<Context> | undefined;
  #disposed = false;

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
    this.#replaceHistory(messages.map(copyMessage));
  }

  /** Sends a user message and resolves with the reply, which is also appended to `messages`. */
  send(content: string, options: SendOptions = {}): Promise<ChatReply> {
    if (typeof content !== 'string') return Promise.reject(invalidArgument('the message must be a string'));
    return this.#queue.run(() => this.#reply({ role: 'user', content }, options));
  }

  /** Like {@link ChatSession.send}, streaming the reply's text; leaving the loop early aborts it. */
  stream(content: string, options: SendOptions = {}): TextStream<ChatReply> {
    return textStream((push, closed) =>
      this.send(content, {
        ...options,
        signal: options.signal ? AbortSignal.any([options.signal, closed]) : closed,
        onToken: (text, token) => {
          push(text);
          options.onToken?.(text, token);
        },
      }),
    );
  }

  /**
   * Replaces the last reply with a new one (or answers a trailing user message). Only the reply is
   * evaluated again: the prompt is still in the cache.
   * @throws {ChatError} `ERR_INVALID_STATE` when there is no user message to answer.
   */
  regenerate(options: SendOptions = {}): Promise<ChatReply> {
    return this.#queue.run(() => this.#reply(undefined, options));
  }

  /**
   * The prompt a reply to `messages` (default: the current history) is generated from: the
   * template's text, and the token ids the model is given, in which message text is plain text
   * (unless `specialTokensInContent`) and replies are their generated `tokens` where the template
   * printed them unchanged. The overflow policy may leave old turns out of the real one.
   */
  renderPrompt(messages: readonly ChatMessage[] = this.#messages): Prompt {
    return this.model.promptTokenizer().prompt(this.#format, messages, { specialTokensInContent: this.#specialTokensInContent });
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

  async #reply(user: ChatMessage | undefined, options: SendOptions): Promise<ChatReply> {
    if (this.#disposed) throw new Gpt4AllError('ERR_DISPOSED', 'the chat session has been disposed');
    const sampling = resolveSampling(catalogSampling(this.model.catalogEntry), this.#sampling, options);
    const stop = stopStrings(options.stop);
    const replyLimit = sampling.maxTokens === -1 ? Infinity : sampling.maxTokens;
    const abortedReply = oneOf('abortedReply', options.abortedReply ?? this.#abortedReply, ['keep', 'discard']);
    const epoch = this.#epoch;
    const before = this.#messages;
    const replaced = user === undefined && before.at(-1)?.role === 'assistant' ? before.at(-1) : undefined;
    const conversation = user ? [...before, user] : replaced ? before.slice(0, -1) : before;
    if (conversation.at(-1)?.role !== 'user') throw new ChatError('ERR_INVALID_STATE', 'there is no user message to reply to');
    // The user's message is part of the history while the reply is generated.
    this.#messages = conversation;

    let result: GenerateResult;
    let windowStart: number;
    try {
      const context = await this.#getContext();
      const fitted = fitConversation({
        messages: conversation,
        windowStart: this.#windowStart,
        contextSize: context.contextSize,
        replyRoom: replyLimit,
        policy: this.#policy,
        tokenize: (messages) => this.renderPrompt(messages).tokens,
      });
      windowStart = fitted.windowStart;
      result = await context.generate(fitted.tokens, {
        ...sampling,
        maxTokens: Math.min(replyLimit, fitted.replyRoom),
        stop: [...this.stopStrings, ...stop],
        signal: options.signal,
        onToken: options.onToken && ((chunk) => options.onToken!(chunk.text, chunk.token)),
      });
    } catch (error) {
      if (this.#epoch === epoch) this.#messages = before;
      throw error;
    }

    if (this.#epoch === epoch) {
      this.#windowStart = windowStart;
      const discard = result.finishReason === 'abort' && abortedReply === 'discard';
      const tokens = this.model.promptTokenizer().replyTokens(result.tokens, result.text);
      const reply: ChatMessage = tokens ? { role: 'assistant', content: result.text, tokens } : { role: 'assistant', content: result.text };
      this.#messages = discard ? before : [...conversation, reply];
    }
    return {
      text: result.text,
      finishReason: result.finishReason,
      usage: { promptTokens: result.promptTokens, completionTokens: result.completionTokens, cachedTokens: result.cachedTokens },
      timings: result.timings,
      droppedMessages: windowStart,
    };
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
  const messages = seeded.map(copyMessage);
  if (messages[0]?.role === 'system') return messages;
  const system = options.systemMessage === undefined ? defaultSystemMessage : options.systemMessage;
  return system ? [{ role: 'system', content: system }, ...messages] : messages;
}

function isLegacy(template: unknown): template is LegacyTemplate {
  return typeof template === 'object' && template !== null && typeof (template as LegacyTemplate).promptTemplate === 'string';
}

function oneOf<T extends string>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw invalidArgument(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}
