/** A repeated measurement, reduced the way llama-bench's readers expect: the median and the spread. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Relative spread, (max - min) / median: how far to trust the median on a shared machine. */
  spread: number;
  /** Every sample, in the order measured. */
  samples: number[];
}

/** Summarises samples; an empty list gives NaN everywhere, so a missing figure is never mistaken for zero. */
export function summarize(samples: number[]): Summary {
  if (samples.length === 0) return { median: NaN, min: NaN, max: NaN, spread: NaN, samples: [] };
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  return { median, min, max, spread: median === 0 ? NaN : (max - min) / median, samples: [...samples] };
}

/** Joins the samples of several passes into one summary. */
export function merge(summaries: Array<Summary | undefined>): Summary {
  return summarize(summaries.flatMap((s) => s?.samples ?? []));
}

/** `numerator / denominator` of the medians, or NaN when either is missing. */
export function ratio(numerator: Summary | undefined, denominator: Summary | undefined): number {
  if (!numerator || !denominator || !(denominator.median > 0)) return NaN;
  return numerator.median / denominator.median;
}

/** Tokens per second from a token count and milliseconds. */
export function perSecond(tokens: number, ms: number): number {
  return ms > 0 ? (tokens * 1000) / ms : NaN;
}
