import type { Model } from '@gpt4all/chat';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ReleaseSlot } from './admission-queue.js';
import { ApiError } from './api-error.js';
import { isEmbeddingModel } from './embedding-model.js';
import type { ServedModel } from './model-registry.js';
import { requestSignal } from './request-signal.js';
import type { ServerContext } from './server-context.js';
import type { GenerationRecord } from './server-metrics.js';

/** A request's turn on a model: the loaded model, the request's abort signal, and its bookkeeping. */
export interface ModelSlot {
  served: ServedModel;
  model: Model;
  /** Aborts when the client goes away or the server's close grace period runs out. */
  signal: AbortSignal;
  /** Records the first generated token's time (once; later calls do nothing). */
  firstToken(): void;
  /**
   * Records a finished generation's tokens. One that ended as an abort (the client left, or the
   * server's grace period ran out) throws the signal's reason: only a closing server still has a
   * client to tell (503).
   */
  finished(record: GenerationRecord): void;
  /** Records an embeddings request's texts and their tokens. */
  embedded(inputs: number, tokens: number): void;
  /** Frees the slot for the next request; calling it again does nothing. */
  release: ReleaseSlot;
}

/**
 * Takes a slot on the model a request names: finds it (404 otherwise), waits in its admission
 * queue (429 when full; the wait ends if the client leaves), loads it if it was not loaded yet,
 * and checks that it can do what the route asks (`'generate'`: a generative model; `'embed'`:
 * an embedding model; 400 otherwise). The caller must `release()` the slot when its work is done.
 */
export async function takeModelSlot(context: ServerContext, request: FastifyRequest, reply: FastifyReply, name: string, purpose: 'generate' | 'embed'): Promise<ModelSlot> {
  const served = context.registry.find(name);
  const signal = requestSignal(reply.raw, context.shutdown);
  const release = await served.admission.acquire(signal);
  try {
    const model = await served.model();
    const embedding = isEmbeddingModel(model);
    if (purpose === 'generate' && embedding) {
      throw new ApiError(`'${served.id}' is an embedding model: use it with /v1/embeddings.`, { status: 400, param: 'model', code: 'model_not_supported' });
    }
    if (purpose === 'embed' && !embedding) {
      throw new ApiError(`'${served.id}' is not an embedding model: /v1/embeddings needs one (such as nomic-embed-text).`, { status: 400, param: 'model', code: 'model_not_supported' });
    }
    let timed = false;
    return {
      served,
      model,
      signal,
      firstToken: () => {
        if (timed) return;
        timed = true;
        context.metrics.firstToken(served.id, (performance.now() - request.receivedAt) / 1000);
      },
      finished: (record) => {
        context.metrics.generation(served.id, record);
        if (record.finishReason === 'abort') throw signal.reason;
      },
      embedded: (inputs, tokens) => context.metrics.embedding(served.id, inputs, tokens),
      release,
    };
  } catch (error) {
    release();
    throw error;
  }
}
