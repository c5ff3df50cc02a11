import type { ModelShape } from './architectures/architecture.js';
import type { ScriptSuccession } from './model-script.js';
import type { TensorPlan } from './tensor-init.js';

/**
 * Tensors whose output is added to the residual stream (or to the token embedding at the input):
 * the attention output and feed-forward down projections with their biases, learned positions
 * and token types. A scripted model zeroes them, so the final hidden state is the embedding of
 * the last token alone, whatever came before it.
 */
const RESIDUAL_WRITER = /^(blk\.\d+\.(attn_output|ffn_down)\.(weight|bias)|position_embd\.weight|token_types\.weight)$/;

/**
 * Logit gain of a matching output row. The normalised hidden state of a one-hot embedding has
 * about sqrt(n_embd) in its one dimension (8 at width 64), so the chosen token's logit is about
 * 128 and every other token's is near 0: greedy decoding always picks it, a repeat penalty of a
 * few tenths cannot overturn it, and even sampling at temperature 1 practically never misses.
 */
const GAIN = 16;

/** Dimension 0 is shared by every token outside the script; slot j of the script owns 1 + j. */
const SHARED_DIMENSION = 0;

/**
 * Rewrites an architecture's tensor plans so that greedy decoding follows `succession`:
 *
 * - every residual writer is zero (see {@link RESIDUAL_WRITER}), and so is the final norm's
 *   bias, so the logits depend on the last token only (its normalised embedding times the head);
 * - the embedding of a scripted token is one-hot in its own slot's dimension; every other
 *   token's is one-hot in the shared dimension;
 * - the output row of each token is `GAIN` in the dimension of every token it follows, and the
 *   first scripted token's row is also `GAIN` in the shared dimension, so anything outside the
 *   script is followed by the script's beginning.
 *
 * Every other tensor (attention, feed-forward, norms) keeps its seeded random values, so the
 * model still computes a full forward pass.
 *
 * @throws {RangeError} for an architecture without a token embedding and an untied output head,
 *   or a script with as many distinct tokens as the embedding has dimensions.
 */
export function scriptedTensorPlans(plans: readonly TensorPlan[], shape: ModelShape, succession: ScriptSuccession): TensorPlan[] {
  const names = new Set(plans.map((p) => p.name));
  if (!names.has('token_embd.weight') || !names.has('output.weight')) {
    throw new RangeError('a scripted model needs a token embedding and an output head (embedding-only architectures have none)');
  }
  if (succession.slots.size + 1 > shape.embeddingLength) {
    throw new RangeError(`the script needs ${succession.slots.size + 1} embedding dimensions, the model has ${shape.embeddingLength}`);
  }
  const dimensionOf = (token: number) => {
    const slot = succession.slots.get(token);
    return slot === undefined ? SHARED_DIMENSION : slot + 1;
  };
  // The output row of token t is GAIN in the dimension of each token that t follows.
  const predecessors = new Map<number, number[]>();
  const follow = (token: number, dimension: number) => predecessors.set(token, [...(predecessors.get(token) ?? []), dimension]);
  follow(succession.first, SHARED_DIMENSION);
  for (const [token, next] of succession.next) follow(next, dimensionOf(token));

  return plans.map((plan): TensorPlan => {
    if (plan.name === 'token_embd.weight') {
      return { ...plan, init: { kind: 'rows', fill: (token, out) => void (out[dimensionOf(token)] = 1) } };
    }
    if (plan.name === 'output.weight') {
      return {
        ...plan,
        init: {
          kind: 'rows',
          fill: (token, out) => {
            for (const dimension of predecessors.get(token) ?? []) out[dimension] = GAIN;
          },
        },
      };
    }
    if (RESIDUAL_WRITER.test(plan.name) || plan.name === 'output_norm.bias') {
      return { ...plan, init: { kind: 'constant', value: 0 } };
    }
    return plan;
  });
}
