// The Markdown report: the ratios first (they are the headline), then latency, memory, targets.
import type { BenchResults, Comparison, Target } from './results.js';
import { ratio, type Summary } from './stats.js';

/** Renders results as Markdown: what latest.md holds and what the harness prints. */
export function renderReport(r: BenchResults): string {
  const m = r.machine;
  const nlc = r.setup.nodeLlamaCpp ? `node-llama-cpp ${r.setup.nodeLlamaCpp}` : 'node-llama-cpp';
  const { big, tiny } = r.throughput;
  const header = [
    `### @gpt4all/core against llama.cpp and ${nlc}`,
    '',
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node.js ${m.node}; ${r.setup.threads} threads, ${r.setup.variant} variant${r.setup.cpuLevel ? `, CPU level ${r.setup.cpuLevel}` : ''} ` +
      `(llama.cpp's tools built for the same CPU level), llama.cpp ${r.setup.llamaCppCommit.slice(0, 10)}${m.commit ? `, this repository at ${m.commit}` : ''}. ` +
      `Load average (1 min) ${m.loadAverageBefore[0]} before, ${m.loadAverageAfter[0]} after; ${r.profile} profile${r.rows === 'batching' ? ', batching rows only' : ''}, ${r.durationSeconds} s.`,
    '',
    ...contentionNote(r),
    'Tokens per second, median of every repetition (min–max). The ratios compare medians measured in the same run, under the same load.',
    '',
  ];
  const targets = ['| target | measured | needed | |', '|---|---:|---:|---|', ...r.targets.map(targetRow)];
  const skipped = r.skipped.length > 0 ? ['', ...r.skipped.map((s) => `- Skipped: ${s}`)] : [];
  if (r.rows === 'batching') {
    const memory = ['| latency and memory | @gpt4all/core | reference |', '|---|---:|---:|', ...sessionRows(r)];
    return `${[...header, ...batchingTable(r), '', ...memory, '', ...targets, ...skipped].join('\n')}\n`;
  }
  const lines = [
    ...header,
    `| figure | @gpt4all/core | llama.cpp | llama.cpp, GGML_NATIVE=ON | ${nlc} | ours / llama.cpp | ours / native | ours / ${nlc.split(' ')[0]} |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    row(`pp${big.promptTokens}, ${r.models.big.label}`, big.pp),
    row(`tg${big.generatedTokens}, ${r.models.big.label}`, big.tg),
    row(`pp${tiny.promptTokens}, ${r.models.tiny.label}`, tiny.pp),
    row(`tg${tiny.generatedTokens}, ${r.models.tiny.label} (per-token cost)`, tiny.tg),
    `| tg${tiny.generatedTokens} through \`generate\` (greedy), ${r.models.tiny.label} | ${spread(tiny.generate.ours)} | ${spread(tiny.tg.llamaCpp)} | | | ${times(tiny.generate.vsLlamaCpp)} | | |`,
    `| embed, ${r.embeddings.model}: ${r.embeddings.texts} texts, ${r.embeddings.tokens} tokens | ${spread(r.embeddings.ours)} | ${spread(r.embeddings.llamaCpp)} | | | ${times(r.embeddings.vsLlamaCpp)} | | |`,
    '',
    'llama.cpp is `llama-bench` (`-p/-n`, random tokens, warm-up, KV cache cleared between repetitions), built for the CPU level ours runs, and once more with `GGML_NATIVE=ON` (for this CPU); for embeddings, `llama-embedding` (its own decode time only). ' +
      'Ours and node-llama-cpp evaluate the same random tokens: the prompt in one call, then one call per generated token.',
    '',
    ...batchingTable(r),
    ...(r.batching ? [''] : []),
    '| latency and memory | @gpt4all/core | reference |',
    '|---|---:|---:|',
    ...(r.rpc
      ? [
          `| spread over this machine and ${r.rpc.workers} RPC workers on loopback, ${r.models.big.label}: pp${big.promptTokens}; tg${big.generatedTokens} | ${spread(r.rpc.pp)}; ${spread(r.rpc.tg)} tokens/s | on this machine alone: ${times(r.rpc.ppVsLocal)}; ${times(r.rpc.tgVsLocal)} |`,
        ]
      : []),
    `| time to first token, ${r.ttft.promptTokens}-token prompt, ${r.models.big.label} | ${ms(r.ttft.firstTurnMs)} | |`,
    `| time to first token, second turn (${r.ttft.secondTurnCachedTokens} tokens cached, ${r.ttft.secondTurnNewTokens} evaluated) | ${ms(r.ttft.secondTurnMs)} (${percent(r.ttft.ratio)} of the first) | |`,
    `| tg${tiny.generatedTokens} by the engine's own clock (inside the native call), ${r.models.tiny.label} | ${spread(tiny.tg.oursEngineClock)} tokens/s | ${times(ratio(tiny.tg.oursEngineClock, tiny.tg.llamaCpp))} llama-bench |`,
    `| time per token over llama-bench (tg${tiny.generatedTokens}), ${r.models.tiny.label} | ${us(tiny.overheadUsPerToken)} | |`,
    `| sampling: full chain (temperature, top-k, top-p, min-p, repeat penalty) over greedy | ${us(r.sampling.costUsPerToken)} per token | greedy ${us(r.sampling.greedyUsPerToken.median)}, full chain ${us(r.sampling.fullChainUsPerToken.median)} per generated token |`,
    `| decoding held to a 6-property JSON schema, ${r.models.big.label} | ${spread(r.constrained.held)} tokens/s | unconstrained, same sampling: ${spread(r.constrained.free)} tokens/s (${times(r.constrained.ratio)}) |`,
    `| JSON schema per request: schema to GBNF; all set-up before the first token | ${ms(r.constrained.schemaToGrammarMs)}; ${ms(r.constrained.setupMs)} | |`,
    `| model load (mmap), ${r.models.big.label} | ${ms(r.memory.ours.loadMs)} | ${r.memory.nodeLlamaCpp ? `${nlc}: ${ms(r.memory.nodeLlamaCpp.loadMs)}` : ''} |`,
    `| peak RSS above the file's ${mib(r.memory.fileBytes)}, after load + ${r.models.big.label} generation | ${mib(r.memory.ours.aboveFileBytes)} | ${[
      r.memory.llamaCpp ? `llama-completion: ${mib(r.memory.llamaCpp.aboveFileBytes)}` : '',
      r.memory.nodeLlamaCpp ? `${nlc}: ${mib(r.memory.nodeLlamaCpp.aboveFileBytes)}` : '',
    ]
      .filter(Boolean)
      .join('; ')} |`,
    ...sessionRows(r),
    '',
    ...targets,
    ...skipped,
  ];
  return `${lines.join('\n')}\n`;
}

/** Continuous batching: ours through a context and through the server, against llama-batched-bench. */
function batchingTable(r: BenchResults): string[] {
  const b = r.batching;
  // Runs saved before the batching rows existed have none.
  if (!b) return [];
  return [
    `| batching: ${b.parallel} streams at once, pp${b.promptTokens} + tg${b.generatedTokens} each, ${r.models.big.label} | @gpt4all/core | llama.cpp (llama-batched-bench, S_TG) | ours / llama.cpp |`,
    '|---|---:|---:|---:|',
    `| ${b.parallel} concurrent \`stream()\` calls on one context (\`parallel: ${b.parallel}\`) | ${spread(b.context.ours)} | ${spread(b.llamaCpp)} | ${times(b.context.vsLlamaCpp)} |`,
    `| ${b.parallel} concurrent streamed requests to @gpt4all/server (\`/v1/completions\`, SSE) | ${spread(b.server.ours)} | ${spread(b.llamaCpp)} | ${times(b.server.vsLlamaCpp)} |`,
    '',
    `Aggregate decode tokens/s while all ${b.parallel} streams generate: from the last stream's first token to the first stream's last, each stream's tokens over the time between them, added up. ` +
      `That is llama-batched-bench's S_TG (${b.parallel} × tg / t_tg), which decodes ${b.parallel} sequences of random tokens in one batch per step, without sampling, after their prompts. ` +
      `Ours is greedy, end-of-generation tokens banned with \`logitBias\` on the context; the server's prompts go as text (${Math.round(b.serverPromptTokens)} tokens on average) and its route takes no \`logit_bias\`, so the harness checks that every stream ran to \`max_tokens\`. ` +
      `Each sequence holds ${b.contextSize} tokens in all three (the server's shared context gives the model's default).`,
  ];
}

/** Chat sessions on one shared context against a context each: what the process's memory came to. */
function sessionRows(r: BenchResults): string[] {
  const s = r.sessions;
  if (!s) return [];
  const contexts = (n: number) => `${Number.isFinite(n) ? n : 'n/a'} ${n === 1 ? 'context' : 'contexts'}`;
  const what = `${s.sessions} chat sessions (@gpt4all/chat, ${s.contextSize} tokens each), one message each at once`;
  return [
    `| ${what}, peak RSS: sharing the model's context (\`parallel: ${s.sessions}\`) | ${mib(s.shared.peakRssBytes)} (${contexts(s.shared.contextsCreated)}) | a context each: ${mib(s.own.peakRssBytes)} (${contexts(s.own.contextsCreated)}), ${signedMib(s.peakExtraBytes)} |`,
    `| ${what}, RSS after the replies: sharing the model's context | ${mib(s.shared.settledRssBytes)} | a context each: ${mib(s.own.settledRssBytes)}, ${signedMib(s.settledExtraBytes)} |`,
  ];
}

/** How busy the machine was: on a shared 2-core machine this decides how far the numbers can be trusted. */
function contentionNote(r: BenchResults): string[] {
  const during = r.contention.map((c) => c.otherCoresDuring).filter((c): c is number => c !== null).sort((a, b) => a - b);
  if (during.length === 0) return [];
  const median = during[during.length >> 1]!;
  const repeated = r.contention.filter((c) => c.repeated).length;
  let line = `Other processes kept ${median.toFixed(2)} cores busy during the median measurement (at most ${during[during.length - 1]!.toFixed(2)})`;
  line += repeated > 0 ? `; ${repeated} disturbed measurement${repeated > 1 ? 's were' : ' was'} run again.` : '.';
  if (median > 0.25) line += ' **The machine was busy: treat these numbers, even the ratios, as rough.**';
  return [line, ''];
}

function row(name: string, c: Comparison): string {
  const peer = c.nodeLlamaCpp ? spread(c.nodeLlamaCpp) : 'n/a';
  const native = c.llamaCppNative ? spread(c.llamaCppNative) : '';
  const vsNative = c.vsLlamaCppNative === null ? '' : times(c.vsLlamaCppNative);
  return `| ${name} | ${spread(c.ours)} | ${spread(c.llamaCpp)} | ${native} | ${peer} | ${times(c.vsLlamaCpp)} | ${vsNative} | ${c.vsNodeLlamaCpp === null ? 'n/a' : times(c.vsNodeLlamaCpp)} |`;
}

function targetRow(t: Target): string {
  const format = t.name.includes('TTFT') ? percent : times;
  const threshold = t.name.includes('TTFT') ? percent(t.threshold) : `${t.threshold.toFixed(2)}×`;
  return `| ${t.name} | ${format(t.value)} | ${t.kind === 'atLeast' ? '≥' : '<'} ${threshold} | ${t.met ? 'met' : '**missed**'} |`;
}

function spread(s: Summary): string {
  if (!Number.isFinite(s.median)) return 'n/a';
  return s.samples.length > 1 ? `${num(s.median)} (${num(s.min)}–${num(s.max)})` : num(s.median);
}

function num(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(x >= 10 ? 1 : 2);
}

function times(x: number): string {
  return Number.isFinite(x) ? `**${x.toFixed(2)}×**` : 'n/a';
}

function percent(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a';
}

function ms(s: Summary): string {
  return Number.isFinite(s.median) ? `${num(s.median)} ms` : 'n/a';
}

function us(x: number): string {
  return Number.isFinite(x) ? `${Math.round(x)} µs` : 'n/a';
}

function mib(bytes: number): string {
  return Number.isFinite(bytes) ? `${Math.round(bytes / 2 ** 20)} MiB` : 'n/a';
}

function signedMib(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a';
  const rounded = Math.round(bytes / 2 ** 20);
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${Math.abs(rounded)} MiB`;
}
