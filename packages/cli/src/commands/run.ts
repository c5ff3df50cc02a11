import type { ReplyPart } from '@gpt4all/chat';
import { Command, Option } from 'commander';
import { ExitCode } from '../exit-code.js';
import { listenForInterrupt, signalExitCode } from '../interrupt-signal.js';
import { readJsonSchemaOption } from '../json-schema-option.js';
import { loadChatModel } from '../load-chat-model.js';
import { addModelSourceOptions, type ModelSourceFlags } from '../model-source-options.js';
import { collect, integerInRange } from '../parse-number.js';
import { readStdinText } from '../read-stdin.js';
import { addSamplingOptions, samplingFromFlags, type SamplingFlags } from '../sampling-options.js';
import { UsageError } from '../usage-error.js';

interface RunFlags extends ModelSourceFlags, SamplingFlags {
  raw?: boolean;
  system?: string;
  jsonSchema?: string;
  stop?: string[];
  threads?: number;
  contextSize?: number;
}

/**
 * `gpt4all run <model> [prompt]`: one reply, streamed to stdout, and nothing else on stdout
 * (load progress, reasoning and errors go to stderr), so that it pipes: `gpt4all run m "..." | jq`.
 *
 * The prompt is the user message of a one-turn conversation rendered with the model's chat
 * template, with no system message unless `--system` gives one: the same prompt, and at
 * temperature 0 the same text, as `createCompletion(model, [{ role: 'user', content: prompt }])`
 * of `@gpt4all/chat`. (It runs as a chat session's stream, whose parts keep a thinking model's
 * reasoning apart from the answer.) `--raw` continues the prompt as it is (`model.complete`).
 * A newline follows the text only when stdout is a terminal.
 *
 * Exit status: 0; 1 for a runtime error (missing model, load or generation failure); 2 for a
 * usage error; 130 when Ctrl-C stopped it (the text so far has been written).
 */
export function runCommand(): Command {
  const command = new Command('run')
    .description('generate one reply to a prompt and stream it to stdout')
    .argument('<model>', 'catalog name, file name in the model directory, hf: reference, or path of a .gguf file')
    .argument('[prompt]', 'the prompt; read from stdin when absent or -')
    .addOption(new Option('--raw', 'continue the prompt as plain text, without the chat template').conflicts(['system', 'jsonSchema']))
    .option('--system <text>', 'system message (default: none)')
    .option('--json-schema <file|json>', 'make the reply JSON that validates against this schema (inline JSON or a file)')
    .option('--stop <text>', 'stop generating before this text (repeatable)', collect)
    .addOption(new Option('--threads <n>', 'CPU threads (default: the physical cores)').argParser(integerInRange(1)))
    .addOption(new Option('--context-size <n>', 'context size in tokens (default: the catalog\'s, else 2048)').argParser(integerInRange(16)));
  addSamplingOptions(command);
  addModelSourceOptions(command);
  return command.action(async (model: string, prompt: string | undefined, flags: RunFlags) => {
    process.exitCode = await run(model, prompt, flags);
  });
}

async function run(name: string, promptArgument: string | undefined, flags: RunFlags): Promise<number> {
  // Everything that can be wrong with the command line fails before the model loads.
  const prompt = promptArgument === undefined || promptArgument === '-' ? await readStdinText('prompt') : promptArgument;
  if (prompt === '') throw new UsageError('the prompt is empty');
  const schema = flags.jsonSchema === undefined ? undefined : await readJsonSchemaOption(flags.jsonSchema);
  const sampling = samplingFromFlags(flags);

  const interrupt = listenForInterrupt();
  try {
    const model = await loadChatModel(name, { ...flags, signal: interrupt.signal });
    try {
      const common = { ...sampling, stop: flags.stop, signal: interrupt.signal };
      if (flags.raw) {
        await model.complete(prompt, { ...common, onToken: (text) => process.stdout.write(text) });
      } else {
        const session = model.createChatSession({ systemMessage: flags.system ?? null, contextSize: flags.contextSize, threads: flags.threads });
        const stream = session.stream(prompt, { ...common, responseFormat: schema === undefined ? undefined : { type: 'json_schema', schema } });
        const write = partWriter();
        for await (const part of stream.parts) write(part);
        await stream.result;
      }
      if (process.stdout.isTTY) process.stdout.write('\n');
    } finally {
      await model.dispose();
    }
  } catch (error) {
    // Ctrl-C during a download or the load: the abort error says nothing the status does not.
    if (interrupt.received) return signalExitCode(interrupt.received);
    throw error;
  } finally {
    interrupt.dispose();
  }
  return interrupt.received ? signalExitCode(interrupt.received) : ExitCode.ok;
}

/**
 * Writes a reply's parts as they stream: the answer to stdout, a thinking model's reasoning to
 * stderr (ended by a newline there once the answer starts), so that stdout is only the answer.
 */
function partWriter(): (part: ReplyPart) => void {
  let reasoning = false;
  return (part) => {
    if (part.type === 'reasoning') {
      reasoning = true;
      process.stderr.write(part.text);
    } else if (part.type === 'text') {
      if (reasoning) process.stderr.write('\n');
      reasoning = false;
      process.stdout.write(part.text);
    }
  };
}
