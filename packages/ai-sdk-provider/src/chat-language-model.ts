import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4FinishReason,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  LanguageModelV4Usage,
  SharedV4ProviderMetadata,
} from '@ai-sdk/provider';
import { createCompletion, streamCompletion, type ChatCompletion, type Model, type ReplyPart } from '@gpt4all/chat';
import { toCompletionOptions } from './call-options.js';
import type { Gpt4AllChatSettings } from './chat-settings.js';
import { toChatMessages } from './convert-prompt.js';
import { loaded } from './loaded-model.js';

/**
 * A local GGUF chat model as an AI SDK language model (specification v4). Calls run in this
 * process on the model's shared context (`@gpt4all/chat`'s `createCompletion`): concurrent calls
 * decode together as parallel sequences, and a conversation that grows by a turn evaluates only
 * the new turn (KV-cache reuse). Create it with `createGpt4All()(modelId)`.
 */
export class Gpt4AllChatLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = 'gpt4all';
  readonly modelId: string;
  /** No URL is fetched: files are read when they are text (inline, or the bytes of a text file). */
  readonly supportedUrls: Record<string, RegExp[]> = {};
  readonly #settings: Gpt4AllChatSettings;
  readonly #model: () => Promise<Model>;

  /** @internal Use the provider: `createGpt4All()(modelId, settings)`. */
  constructor(modelId: string, settings: Gpt4AllChatSettings, model: () => Promise<Model>) {
    this.modelId = modelId;
    this.#settings = settings;
    this.#model = model;
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const model = await loaded(this.#model, options.abortSignal);
    const { completion: completionOptions, warnings } = toCompletionOptions(options, this.#settings);
    const completion = await createCompletion(model, toChatMessages(options.prompt), completionOptions);
    throwIfAborted(options.abortSignal, completion);
    const { message } = completion.choices[0];
    const content: LanguageModelV4Content[] = [];
    if (message.reasoning_content) content.push({ type: 'reasoning', text: message.reasoning_content });
    if (message.content !== '') content.push({ type: 'text', text: message.content });
    for (const call of message.tool_calls ?? []) content.push({ type: 'tool-call', toolCallId: call.id, toolName: call.function.name, input: call.function.arguments });
    return {
      content,
      finishReason: finishReason(completion),
      usage: usage(completion),
      providerMetadata: metadata(completion),
      response: { timestamp: new Date(completion.created * 1000), modelId: completion.model },
      warnings,
    };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const model = await loaded(this.#model, options.abortSignal);
    const { completion: completionOptions, warnings } = toCompletionOptions(options, this.#settings);
    const reply = streamCompletion(model, toChatMessages(options.prompt), completionOptions);
    const parts = reply.parts[Symbol.asyncIterator]();
    const blocks = new BlockWriter();
    const stream = new ReadableStream<LanguageModelV4StreamPart>({
      start(controller) {
        controller.enqueue({ type: 'stream-start', warnings });
        controller.enqueue({ type: 'response-metadata', timestamp: new Date(), modelId: model.displayName });
      },
      async pull(controller) {
        try {
          const next = await parts.next();
          if (!next.done) {
            for (const part of blocks.write(next.value)) controller.enqueue(part);
            return;
          }
          const completion = await reply.result;
          throwIfAborted(options.abortSignal, completion);
          for (const part of blocks.close()) controller.enqueue(part);
          controller.enqueue({ type: 'finish', finishReason: finishReason(completion), usage: usage(completion), providerMetadata: metadata(completion) });
          controller.close();
        } catch (error) {
          // An abort fails the stream, as a cancelled HTTP response does (the AI SDK reports it as
          // an abort); any other error is a stream part, as providers report errors mid-stream.
          if (options.abortSignal?.aborted) return controller.error(error);
          for (const part of blocks.close()) controller.enqueue(part);
          controller.enqueue({ type: 'error', error });
          controller.enqueue({ type: 'finish', finishReason: { unified: 'error', raw: undefined }, usage: emptyUsage() });
          controller.close();
        }
      },
      async cancel() {
        await parts.return?.(); // leaving the reply's iterator stops the generation within a token
      },
    });
    return { stream };
  }
}

/**
 * Turns the reply's parts into the AI SDK's stream parts: text and reasoning as blocks (start,
 * deltas, end; a new block whenever the kind changes), each tool call as a whole input and call.
 */
class BlockWriter {
  #open: { kind: 'text' | 'reasoning'; id: string } | undefined;
  #count = 0;

  write(part: ReplyPart): LanguageModelV4StreamPart[] {
    if (part.type === 'text' || part.type === 'reasoning') {
      const out = this.#open?.kind === part.type ? [] : [...this.close(), this.#start(part.type)];
      out.push({ type: `${part.type}-delta`, id: this.#open!.id, delta: part.text });
      return out;
    }
    if (part.type === 'tool-call') {
      const { id, name, arguments: args } = part.toolCall;
      const input = JSON.stringify(args);
      return [
        ...this.close(),
        { type: 'tool-input-start', id, toolName: name },
        { type: 'tool-input-delta', id, delta: input },
        { type: 'tool-input-end', id },
        { type: 'tool-call', toolCallId: id, toolName: name, input },
      ];
    }
    return []; // tool results: this provider passes no `execute`, so the session runs no tool
  }

  /** Ends the open block, if any. */
  close(): LanguageModelV4StreamPart[] {
    const open = this.#open;
    this.#open = undefined;
    return open ? [{ type: `${open.kind}-end`, id: open.id }] : [];
  }

  #start(kind: 'text' | 'reasoning'): LanguageModelV4StreamPart {
    this.#open = { kind, id: `${kind}-${this.#count++}` };
    return { type: `${kind}-start`, id: this.#open.id };
  }
}

/** A reply cut short by the caller's signal ends the call with the signal's reason, as `fetch` does. */
function throwIfAborted(signal: AbortSignal | undefined, completion: ChatCompletion): void {
  if (completion.choices[0].finish_reason === 'abort' && signal?.aborted) throw signal.reason;
}

function finishReason(completion: ChatCompletion): LanguageModelV4FinishReason {
  const raw = completion.choices[0].finish_reason;
  const unified = raw === 'tool_calls' ? 'tool-calls' : raw === 'abort' ? 'other' : raw;
  return { unified, raw };
}

function usage(completion: ChatCompletion): LanguageModelV4Usage {
  const { prompt_tokens, completion_tokens, cached_tokens } = completion.usage;
  return {
    inputTokens: { total: prompt_tokens, noCache: prompt_tokens - cached_tokens, cacheRead: cached_tokens, cacheWrite: undefined },
    outputTokens: { total: completion_tokens, text: undefined, reasoning: undefined },
    raw: { ...completion.usage },
  };
}

function emptyUsage(): LanguageModelV4Usage {
  return {
    inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: undefined, text: undefined, reasoning: undefined },
  };
}

/** `providerMetadata.gpt4all`: prefill and decode timings (milliseconds, tokens/s) and tokens reused from the KV cache. */
function metadata(completion: ChatCompletion): SharedV4ProviderMetadata {
  return { gpt4all: { timings: { ...completion.timings }, cachedTokens: completion.usage.cached_tokens } };
}
