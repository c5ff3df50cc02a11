// Greedy generation in a child process (a CPU level is chosen once per process, and a run under
// an emulator is a process of its own), and the same generation by llama.cpp's llama-completion:
// the two sides of the parity tests.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './llama-tools.js';

/** What one generation is: the prompt, how many tokens, the context size and CPU threads. */
export interface GenerationSpec {
  prompt: string;
  maxTokens: number;
  contextSize: number;
  threads: number;
}

/** What the child reports: which platform, variant and CPU level ran and what it generated, or its typed error. */
export interface ChildOutcome {
  platform?: string;
  variant?: string;
  level?: string;
  features?: string[];
  candidates?: { name: string; score: number }[];
  text?: string;
  error?: { name: string; code: string; message: string };
}

const core = join(repoRoot, 'packages/core/dist/index.cjs');

/**
 * A CommonJS script for `node -e SCRIPT MODEL`: loads the model, generates greedily with `spec`,
 * and prints one line of JSON, a {@link ChildOutcome}.
 */
export function generationScript(spec: GenerationSpec): string {
  return `
    const { loadModel, backendInfo } = require(${JSON.stringify(core)});
    (async () => {
      try {
        const model = await loadModel(process.argv[1]);
        const context = await model.createContext({ contextSize: ${spec.contextSize}, threads: ${spec.threads} });
        const { text } = await context.generate(${JSON.stringify(spec.prompt)}, { maxTokens: ${spec.maxTokens}, temperature: 0, repeatPenalty: 1 });
        const { variant, cpu } = backendInfo();
        const { level, features, candidates } = cpu;
        console.log(JSON.stringify({ platform: process.platform + '-' + process.arch, variant, level, features, candidates, text }));
      } catch (error) {
        console.log(JSON.stringify({ error: { name: error.name, code: error.code, message: error.message } }));
      }
    })();`;
}

/** The outcome a child printed last. */
export function parseOutcome(stdout: string): ChildOutcome {
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildOutcome;
}

/** llama-completion's arguments for the same greedy generation as `spec`. */
export function llamaCompletionArgs(model: string, spec: GenerationSpec): string[] {
  const { prompt, maxTokens, contextSize, threads } = spec;
  return ['-m', model, '-p', prompt, '-n', String(maxTokens), '--temp', '0', '-no-cnv', '--no-display-prompt', '--simple-io', '-c', String(contextSize), '-t', String(threads), '--no-warmup'];
}

/** The generated text in llama-completion's output, which ends in "\n\n" (after " [end of text]\n" when the model stopped). */
export function completionText(stdout: string): string {
  return stdout.replace(/( \[end of text\]\n)?\n\n$/, '');
}

/** Runs llama-completion (`command` then `args`: the binary, or an emulator and the binary) and returns its text. */
export function runLlamaCompletion(command: string[], model: string, spec: GenerationSpec): string {
  const [program, ...args] = command;
  const out = execFileSync(program!, [...args, ...llamaCompletionArgs(model, spec)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 600_000 });
  return completionText(out);
}
