import type { SamplingOptions } from '@gpt4all/chat';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { integerInRange, numberInRange } from './parse-number.js';

/** The sampling flags `chat` and `run` take, as commander parses them. */
export interface SamplingFlags {
  temperature?: number;
  maxTokens?: number;
  seed?: number;
}

/**
 * Adds `--temperature`, `--max-tokens` and `--seed`. Their defaults are not repeated here: a flag
 * left out lets `@gpt4all/chat` apply the model's catalog entry, then GPT4All's defaults
 * (`GPT4ALL_DEFAULTS`).
 */
export function addSamplingOptions(command: Command): Command {
  return command
    .addOption(new Option('--temperature <t>', 'randomness, 0 for greedy (deterministic) decoding (default: the catalog\'s, else 0.7)').argParser(numberInRange(0)))
    .addOption(new Option('--max-tokens <n>', 'most tokens in a reply, -1 for no limit but the context (default: the catalog\'s, else 200)').argParser(maxTokens))
    .addOption(new Option('--seed <n>', 'seed of the random draw: the same seed and input give the same output').argParser(integerInRange(0, 0xffff_ffff)));
}

/** `--max-tokens`: -1 (no limit) or at least 1, as `@gpt4all/chat` takes it. */
function maxTokens(value: string): number {
  const number = integerInRange(-1)(value);
  if (number === 0) throw new InvalidArgumentError('must be -1 (no limit) or at least 1.');
  return number;
}

/** The sampling options the flags set (those left out are absent, not undefined, so they never override a saved session's). */
export function samplingFromFlags(flags: SamplingFlags): SamplingOptions {
  const options: SamplingOptions = {};
  if (flags.temperature !== undefined) options.temperature = flags.temperature;
  if (flags.maxTokens !== undefined) options.maxTokens = flags.maxTokens;
  if (flags.seed !== undefined) options.seed = flags.seed;
  return options;
}
