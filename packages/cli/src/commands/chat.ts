import type { ChatSessionOptions } from '@gpt4all/chat';
import { Command, Option } from 'commander';
import { ChatRepl } from '../chat/chat-repl.js';
import { defaultModel } from '../default-model.js';
import { loadChatModel } from '../load-chat-model.js';
import { addModelSourceOptions, type ModelSourceFlags } from '../model-source-options.js';
import { integerInRange } from '../parse-number.js';
import { addSamplingOptions, samplingFromFlags, type SamplingFlags } from '../sampling-options.js';

interface ChatFlags extends ModelSourceFlags, SamplingFlags {
  system?: string;
  contextSize?: number;
  threads?: number;
  verbose?: boolean;
}

/**
 * `gpt4all chat [model]`: an interactive conversation (see {@link ChatRepl}). Without a model, the
 * only installed one. The flags become the session's options; `/load` applies them over a saved
 * session's.
 */
export function chatCommand(): Command {
  const command = new Command('chat')
    .description('chat with a model in the terminal (/help inside lists the commands)')
    .argument('[model]', 'catalog name, file name in the model directory, hf: reference, or path (default: the only installed model)')
    .option('--system <text>', "system message (default: the catalog's for the model)")
    .addOption(new Option('--context-size <n>', "context size in tokens (default: the catalog's, else 2048)").argParser(integerInRange(16)))
    .addOption(new Option('--threads <n>', 'CPU threads (default: the physical cores)').argParser(integerInRange(1)));
  addSamplingOptions(command);
  addModelSourceOptions(command);
  return command.action(async (model: string | undefined, flags: ChatFlags, self: Command) => {
    const name = model ?? (await defaultModel('gpt4all chat <model>', flags));
    const loaded = await loadChatModel(name, flags);
    try {
      const overrides: ChatSessionOptions = { ...samplingFromFlags(flags) };
      if (flags.contextSize !== undefined) overrides.contextSize = flags.contextSize;
      if (flags.threads !== undefined) overrides.threads = flags.threads;
      const session = loaded.createChatSession({ ...overrides, ...(flags.system === undefined ? {} : { systemMessage: flags.system }) });
      if (process.stdin.isTTY) process.stderr.write(`${loaded.displayName}: /help lists the commands, Ctrl-D leaves\n`);
      await new ChatRepl({ model: loaded, session, loadOverrides: overrides, verbose: self.optsWithGlobals().verbose === true }).run();
    } finally {
      await loaded.dispose();
    }
  });
}
