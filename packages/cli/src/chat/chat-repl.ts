import { ChatSession, type ChatSessionOptions, type Model } from '@gpt4all/chat';
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface, type Interface } from 'node:readline';
import { reportError } from '../report-error.js';
import { parseSlashCommand, slashCommandHelp } from './slash-command.js';

/** What the REPL talks to, and through what. */
export interface ChatReplOptions {
  model: Model;
  /** The conversation to start with. The REPL owns it from here (and disposes it). */
  session: ChatSession;
  /** Options that `/load` applies over a saved session's (the command line's flags). */
  loadOverrides: ChatSessionOptions;
  input?: NodeJS.ReadStream;
  /** Prompts and replies. */
  output?: NodeJS.WriteStream;
  /** Notices and errors. */
  diagnostics?: NodeJS.WriteStream;
  /** Show error stacks. */
  verbose?: boolean;
}

const PROMPT = '>>> ';

/**
 * The interactive chat of `gpt4all chat`, on node:readline. Each line is sent to the session and
 * the reply streams to `output`; lines starting with `/` are {@link parseSlashCommand REPL
 * commands}. Ctrl-C while a reply streams stops it (the partial reply stays in the history, as
 * GPT4All's chat keeps it) and the prompt returns; Ctrl-C on an empty line, Ctrl-D on an empty line,
 * `/exit` or the end of a piped input end the REPL. Lines typed while a reply streams wait their turn.
 */
export class ChatRepl {
  readonly #model: Model;
  #session: ChatSession;
  readonly #loadOverrides: ChatSessionOptions;
  readonly #output: NodeJS.WriteStream;
  readonly #diagnostics: NodeJS.WriteStream;
  readonly #verbose: boolean;
  readonly #terminal: boolean;
  readonly #readline: Interface;
  readonly #pending: string[] = [];
  #reply: AbortController | undefined;
  #busy = false;
  /** Input has ended (Ctrl-D, the end of a pipe, or `#exit()`). */
  #closed = false;
  /** The user asked to leave: lines still queued are dropped. */
  #exiting = false;
  #done: { promise: Promise<void>; resolve: () => void };

  constructor(options: ChatReplOptions) {
    this.#model = options.model;
    this.#session = options.session;
    this.#loadOverrides = options.loadOverrides;
    const input = options.input ?? process.stdin;
    this.#output = options.output ?? process.stdout;
    this.#diagnostics = options.diagnostics ?? process.stderr;
    this.#verbose = options.verbose ?? false;
    this.#terminal = Boolean(input.isTTY && this.#output.isTTY);
    this.#readline = createInterface({ input, output: this.#output, prompt: PROMPT, terminal: this.#terminal, historySize: 200 });
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.#done = { promise, resolve };
  }

  /** Runs the REPL until the user leaves; the session is disposed by then. */
  async run(): Promise<void> {
    this.#readline.on('line', (line) => {
      this.#pending.push(line);
      void this.#drain();
    });
    // In a terminal, readline reads Ctrl-C as a key; with piped input it is the process's signal.
    const onInterrupt = (): void => this.#interrupt();
    this.#readline.on('SIGINT', onInterrupt);
    if (!this.#terminal) process.on('SIGINT', onInterrupt);
    this.#readline.on('close', () => {
      this.#closed = true;
      // In a terminal, the input closes on Ctrl-D: leave now, stopping a reply that streams. The
      // end of piped input only means that no more lines come: the queued ones are answered.
      if (this.#terminal) this.#exit();
      void this.#drain();
    });
    this.#showPrompt();
    await this.#done.promise;
    process.off('SIGINT', onInterrupt);
    await this.#session.dispose();
  }

  /** Handles the queued lines one at a time; finishes the REPL once input has closed and nothing is left. */
  async #drain(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let line = this.#pending.shift(); line !== undefined; line = this.#pending.shift()) {
        if (this.#exiting) break;
        await this.#handle(line);
        if (this.#pending.length === 0) this.#showPrompt();
      }
    } finally {
      this.#busy = false;
    }
    if (this.#closed) {
      if (this.#terminal) this.#output.write('\n');
      this.#done.resolve();
    }
  }

  async #handle(line: string): Promise<void> {
    const command = parseSlashCommand(line);
    if (command) return this.#command(command.name, command.argument);
    const text = line.startsWith('//') ? line.slice(1) : line;
    if (text.trim() === '') return;
    await this.#send(text);
  }

  async #send(text: string): Promise<void> {
    const controller = new AbortController();
    this.#reply = controller;
    let reasoning = false;
    try {
      const stream = this.#session.stream(text, { signal: controller.signal });
      for await (const part of stream.parts) {
        if (part.type === 'reasoning') {
          reasoning = true;
          this.#diagnostics.write(part.text);
        } else if (part.type === 'text') {
          if (reasoning) this.#diagnostics.write('\n');
          reasoning = false;
          this.#output.write(part.text);
        }
      }
      const reply = await stream.result;
      this.#output.write('\n');
      if (reply.finishReason === 'abort') this.#notice('(reply stopped)');
      else if (reply.finishReason === 'length') this.#notice('(reply cut at the token limit: --max-tokens)');
      if (reply.droppedMessages > 0) this.#notice(`(the oldest ${reply.droppedMessages} messages no longer fit the context and were left out)`);
    } catch (error) {
      this.#output.write('\n');
      this.#fail(error);
    } finally {
      this.#reply = undefined;
    }
  }

  async #command(name: string, argument: string): Promise<void> {
    switch (name) {
      case 'help':
        this.#notice(slashCommandHelp());
        return;
      case 'exit':
      case 'quit':
        this.#exit();
        return;
      case 'reset':
        this.#session.reset();
        this.#notice('(new conversation)');
        return;
      case 'system':
        if (argument === '') {
          const system = this.#session.messages[0];
          this.#notice(system?.role === 'system' ? `system message: ${system.content}` : '(no system message)');
          return;
        }
        this.#session.messages = [{ role: 'system', content: argument }];
        this.#notice('(system message set; new conversation)');
        return;
      case 'save':
        if (argument === '') return this.#notice('usage: /save <file>');
        try {
          const saved = this.#session.toJSON();
          await writeFile(argument, `${JSON.stringify(saved, null, 2)}\n`);
          this.#notice(`(saved ${saved.messages.length} messages to ${argument})`);
        } catch (error) {
          this.#fail(error);
        }
        return;
      case 'load':
        if (argument === '') return this.#notice('usage: /load <file>');
        try {
          const restored = ChatSession.fromJSON(await readFile(argument, 'utf8'), this.#model, this.#loadOverrides);
          const previous = this.#session;
          this.#session = restored;
          await previous.dispose();
          this.#notice(`(loaded ${restored.messages.length} messages from ${argument})`);
        } catch (error) {
          this.#fail(error);
        }
        return;
      default:
        this.#notice(`unknown command /${name}: /help lists the commands`);
    }
  }

  /** Ctrl-C: stops a streaming reply; on an empty line, leaves; otherwise clears the line. */
  #interrupt(): void {
    if (this.#reply) {
      this.#reply.abort();
      return;
    }
    if (this.#terminal && this.#readline.line.length > 0) {
      this.#output.write('^C\n');
      // Ctrl-U and Ctrl-K: delete the text before and after the cursor.
      this.#readline.write(null, { ctrl: true, name: 'u' });
      this.#readline.write(null, { ctrl: true, name: 'k' });
      this.#showPrompt();
      return;
    }
    this.#exit();
  }

  /** Leaves: stops a streaming reply, drops queued lines and closes the input. */
  #exit(): void {
    this.#exiting = true;
    this.#reply?.abort();
    if (!this.#closed) this.#readline.close();
  }

  #showPrompt(): void {
    if (this.#terminal && !this.#closed && !this.#exiting) this.#readline.prompt();
  }

  #notice(text: string): void {
    this.#diagnostics.write(`${text}\n`);
  }

  #fail(error: unknown): void {
    reportError(error, { verbose: this.#verbose, stream: this.#diagnostics });
  }
}
