import type { FastifyInstance } from 'fastify';
import { takeModelSlot } from '../model-slot.js';
import type { ServerContext } from '../server-context.js';

/** The body of `POST /v1/embeddings`. */
interface EmbeddingRequest {
  model: string;
  input: string | string[];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  user?: string;
}

const text = { type: 'string', minLength: 1 };

const EMBEDDING_SCHEMA = {
  type: 'object',
  required: ['model', 'input'],
  properties: {
    model: { type: 'string', minLength: 1 },
    input: { anyOf: [text, { type: 'array', items: text, minItems: 1, maxItems: 2048 }] },
    encoding_format: { type: 'string', enum: ['float', 'base64'] },
    dimensions: { type: 'integer', minimum: 1 },
    user: { type: 'string' },
  },
} as const;

/**
 * `POST /v1/embeddings`: unit vectors from `model.embed()` (texts batched together, long texts
 * averaged over chunks, `dimensions` as Matryoshka truncation where the model supports it).
 * OpenAI's API has no task prefix: a model GPT4All knows gets its default (Nomic Embed:
 * `search_document`), any other none. Only embedding models are served here (400 otherwise).
 */
export function embeddingsRoute(app: FastifyInstance, context: ServerContext): void {
  app.post<{ Body: EmbeddingRequest }>('/v1/embeddings', { schema: { body: EMBEDDING_SCHEMA } }, async (request, reply) => {
    const body = request.body;
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    const slot = await takeModelSlot(context, request, reply, body.model, 'embed');
    try {
      // A model GPT4All knows gets its default prefix, any other none.
      const vectors = await slot.model.embed(inputs, { prefix: null, dimensionality: body.dimensions, signal: slot.signal });
      const promptTokens = inputs.reduce((sum, input) => sum + slot.model.engine.tokenize(input).length, 0);
      slot.embedded(inputs.length, promptTokens);
      return {
        object: 'list',
        data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: body.encoding_format === 'base64' ? base64(vector) : Array.from(vector) })),
        model: slot.served.id,
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      };
    } finally {
      slot.release();
    }
  });
}

/** The vector's float32 values, little-endian, in base64 (what OpenAI's clients decode). */
function base64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}
