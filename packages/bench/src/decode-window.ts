// The aggregate decode rate of several generations running at once, defined so that it reads like
// llama-batched-bench's S_TG (`pl × tg / t_tg`: every sequence decoding together, prompts excluded).

/** What a client saw of one stream: when each piece of output arrived, and how many tokens it had. */
export interface StreamTrace {
  /** Arrival time of each piece of output, in milliseconds on one clock shared by all streams. */
  arrivals: number[];
  /**
   * Tokens the stream generated. A piece is one token through `@gpt4all/core`; the server sends
   * no event for a token with no text of its own (a byte of an unfinished character), so there it
   * can be a little more than the number of arrivals.
   */
  tokens: number;
}

/**
 * Tokens per second of all streams together while all of them were decoding, in tokens/s: from
 * the moment the last stream got its first token (every prompt evaluated) to the moment the first
 * stream got its last. Within that span each stream's rate is its intervals between arrivals over
 * their time, scaled by its tokens per piece; the streams' rates add up. Counting intervals, not
 * pieces, leaves out the half-step at either edge of the span. A stream that joins late (the
 * scheduler admits prompts as they come) or finishes early does not dilute the figure, as in
 * llama-batched-bench, where every sequence decodes through the whole `t_tg`. NaN when some stream
 * has fewer than two arrivals inside the span.
 */
export function concurrentDecodeRate(traces: StreamTrace[]): number {
  if (traces.length === 0 || traces.some((t) => t.arrivals.length === 0)) return NaN;
  const start = Math.max(...traces.map((t) => t.arrivals[0]!));
  const end = Math.min(...traces.map((t) => t.arrivals[t.arrivals.length - 1]!));
  let rate = 0;
  for (const trace of traces) {
    const inside = trace.arrivals.filter((at) => at >= start && at <= end);
    const first = inside[0];
    const last = inside[inside.length - 1];
    if (inside.length < 2 || first === undefined || last === undefined || !(last > first)) return NaN;
    const tokensPerPiece = trace.tokens / trace.arrivals.length;
    rate += ((inside.length - 1) * tokensPerPiece * 1000) / (last - first);
  }
  return rate;
}
