import { DEFAULTS, Gpt4AllError, type Context, type Model as EngineModel, type ModelInfo } from '@gpt4all/core';
import type { CatalogEntry } from '@gpt4all/download';
import { readModelTemplateInfo, type ModelTemplateInfo } from './chat-format.js';
import { ChatSession, type SessionContextSource } from './chat-session.js';
import { complete, type CompleteOptions, type Completion } from './complete.js';
import { embed, type EmbedOptions } from './embed.js';
import { findEmbeddingSpec } from './embedding-models.js';
import { invalidArgument } from './errors/chat-error.js';
import { PromptTokenizer } from './prompt-tokens.js';
import { catalogSampling } from './sampling-defaults.js';
import type { ChatSessionOptions } from './session-options.js';

/**
 * A loaded model, ready to chat, complete and embed. Create it with `loadModel()`. Chat sessions,
 * `complete()` and `createCompletion()` share one context of the model's with `parallel`
 * sequences (continuous batching: their generations run together, and the rest wait their turn);
 * a session that asks for its own `contextSize`, `batchSize` or `threads` gets a context of its own.
 */
export class Model {
  /** The `@gpt4all/core` model underneath, for low-level work (contexts, tokens). */
  readonly engine: EngineModel;
  /** The model's catalog entry, when it has one: templates, system message, sampling overrides. */
  readonly catalogEntry: CatalogEntry | undefined;
  #templateInfo: ModelTemplateInfo | undefined;
  #promptTokenizer: PromptTokenizer | undefined;
  #sessions = new Set<ChatSession>();
  #sharedContext: Promise<Context> | undefined;
  #threads: number | undefined;
  #contextSize: number | undefined;
  /** Sequences of the shared context. */
  readonly parallel: number;
  #disposed = false;

  /** @internal Use `loadModel()`. */
  constructor(engine: EngineModel, catalogEntry: CatalogEntry | undefined, options: { threads?: number; parallel?: number; contextSize?: number } = {}) {
    this.engine = engine;
    this.catalogEntry = catalogEntry;
    this.#threads = options.threads;
    this.#contextSize = options.contextSize;
    this.defaultContextSize(undefined); // fail now, not at the first reply
    const parallel = options.parallel ?? DEFAULTS.parallel;
    if (!Number.isSafeInteger(parallel) || parallel < 1 || parallel > DEFAULTS.maxParallel) {
      throw invalidArgument(`parallel must be a whole number from 1 to ${DEFAULTS.maxParallel}, got ${String(options.parallel)}`);
    }
    this.parallel = parallel;
  }

  /** What the model is: architecture, context length, chat template, metadata... */
  get info(): ModelInfo {
    return this.engine.info;
  }

  /** The catalog name, else the model file's name, else its path. */
  get displayName(): string {
    return this.catalogEntry?.name ?? this.engine.info.name ?? this.engine.info.path;
  }

  /**
   * Starts a conversation. The chat template is chosen with GPT4All's precedence: `template`, then
   * the catalog entry's, then the model file's own.
   * @throws {ChatError} `ERR_NO_CHAT_TEMPLATE` when there is no template at all.
   */
  createChatSession(options: ChatSessionOptions = {}): ChatSession {
    this.#check();
    const ownContext = options.contextSize !== undefined || options.batchSize !== undefined || options.threads !== undefined;
    const source: SessionContextSource | undefined = ownContext ? undefined : { context: () => this.#shared(), owned: false };
    return this.#track(new ChatSession(this, options, source));
  }

  /** Generates a continuation of `prompt` as it is, with no chat template. */
  complete(prompt: string, options: CompleteOptions = {}): Promise<Completion> {
    this.#check();
    return complete(this, prompt, options);
  }

  /**
   * Embeds one text into a vector, or many texts into one vector each, like GPT4All's `Embed4All`:
   * task prefixes for Nomic models, Matryoshka `dimensionality`, long texts averaged over chunks
   * (`longText: 'mean'`, the default) or cut (`'truncate'`). Texts are batched together.
   */
  embed(text: string, options?: EmbedOptions): Promise<Float32Array>;
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
  async embed(texts: string | readonly string[], options: EmbedOptions = {}): Promise<Float32Array | Float32Array[]> {
    this.#check();
    if (typeof texts === 'string') return (await embed(this, [texts], options))[0]!;
    if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string')) throw invalidArgument('embed takes a string or a list of strings');
    return embed(this, texts, options);
  }

  /**
   * The task prefixes this package knows for the model (`model.embed({ prefix })`): Nomic Embed's
   * `['search_document', 'search_query', 'clustering', 'classification']`, `[]` for a known model
   * without prefixes, `undefined` for a model it does not know (`embed` then needs `prefix`).
   */
  get embeddingTasks(): readonly string[] | undefined {
    return findEmbeddingSpec(this.engine.info.name, this.engine.info.path)?.tasks;
  }

  /** Frees every session, the shared context and the weights. Calling it again does nothing. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await Promise.all([...this.#sessions].map((session) => session.dispose()));
    await this.engine.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** @internal The model file's chat format, read once. */
  templateInfo(): ModelTemplateInfo {
    return (this.#templateInfo ??= readModelTemplateInfo(this.engine));
  }

  /** @internal How prompts become token ids on this model, set up once. */
  promptTokenizer(): PromptTokenizer {
    return (this.#promptTokenizer ??= new PromptTokenizer(this.engine));
  }

  /** @internal The context size a session gets: asked, else `loadModel`'s, else the catalog's, else `DEFAULTS.contextSize` (GPT4All's n_ctx); never above training length. */
  defaultContextSize(requested: number | undefined): number {
    const size = requested ?? this.#contextSize ?? this.catalogEntry?.contextLength ?? DEFAULTS.contextSize;
    if (!Number.isSafeInteger(size) || size < 16) throw invalidArgument(`contextSize must be an integer ≥ 16, got ${String(size)}`);
    return Math.min(size, this.engine.info.contextLength);
  }

  /** @internal The CPU threads of a context: asked, else the model's, else the engine's (physical cores). */
  defaultThreads(requested: number | undefined): number | undefined {
    return requested ?? this.#threads;
  }

  /** @internal The prompt batch size: asked, else the catalog's, else the engine's. */
  defaultBatchSize(requested: number | undefined): number | undefined {
    return requested ?? this.catalogEntry?.promptBatchSize;
  }

  /** @internal A session over the model's shared context, for one-off chats (`createCompletion`). */
  sharedSession(options: ChatSessionOptions): ChatSession {
    this.#check();
    const source: SessionContextSource = { context: () => this.#shared(), owned: false };
    return new ChatSession(this, { ...options, contextSize: undefined }, source);
  }

  /** @internal The shared context, created on first use. */
  sharedContext(): Promise<Context> {
    this.#check();
    return this.#shared();
  }

  /** @internal The catalog's sampling overrides. */
  catalogSampling() {
    return catalogSampling(this.catalogEntry);
  }

  /** @internal */
  untrack(session: ChatSession): void {
    this.#sessions.delete(session);
  }

  #track(session: ChatSession): ChatSession {
    this.#sessions.add(session);
    return session;
  }

  #shared(): Promise<Context> {
    if (!this.#sharedContext) {
      const created = this.engine.createContext({
        contextSize: this.defaultContextSize(undefined),
        batchSize: this.defaultBatchSize(undefined),
        threads: this.#threads,
        parallel: this.parallel,
      });
      this.#sharedContext = created;
      created.catch(() => {
        if (this.#sharedContext === created) this.#sharedContext = undefined;
      });
    }
    return this.#sharedContext;
  }

  #check() {
    if (this.#disposed) throw new Gpt4AllError('ERR_DISPOSED', 'the model has been disposed');
  }
}
