/** The speed and context-use line under a reply. */
import type { ReplyStats } from './conversation.js';

const numberFormat = new Intl.NumberFormat('en-US');

/** E.g. "12.3 tok/s · 345 / 2048 tokens"; parts the server did not report are left out. */
export function formatStats(stats: ReplyStats): string {
  const parts: string[] = [];
  if (stats.tokensPerSecond !== null && Number.isFinite(stats.tokensPerSecond)) {
    parts.push(`${stats.tokensPerSecond.toFixed(1)} tok/s`);
  }
  if (stats.totalTokens !== null) {
    parts.push(
      stats.contextSize !== null
        ? `${stats.totalTokens} / ${stats.contextSize} tokens`
        : `${numberFormat.format(stats.totalTokens)} tokens`,
    );
  }
  return parts.join(' · ');
}
