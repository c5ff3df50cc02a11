import type { ChatSessionJSON } from '@gpt4all/chat';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH, runCli } from '../testing/cli-process.js';
import { PtySession } from '../testing/pty-session.js';
import { tempDir } from '../testing/temp-dir.js';
import { testModelPath } from '../testing/test-models.js';

// The REPL is driven through a pseudo-terminal, keys and all, as a person at a terminal drives it.
let dir: { path: string; remove: () => Promise<void> };
let hello: string;
let endless: string;
let session: PtySession | undefined;

beforeAll(async () => {
  dir = await tempDir();
  hello = await testModelPath('hello');
  endless = await testModelPath('endless');
  // An empty catalog: nothing here may reach GPT4All's over the network.
  await writeFile(join(dir.path, 'no-catalog.json'), '[]');
});
afterEach(() => session?.close());
afterAll(() => dir.remove());

/** `gpt4all chat ...args` in a terminal, with an empty model directory of its own. */
function chatInTerminal(args: string[]): PtySession {
  session = new PtySession([process.execPath, CLI_PATH, 'chat', '--threads', '1', ...args], {
    env: { ...process.env, GPT4ALL_MODEL_PATH: join(dir.path, 'models'), GPT4ALL_CATALOG_URL: join(dir.path, 'no-catalog.json') },
  });
  return session;
}

async function savedSession(file: string): Promise<ChatSessionJSON> {
  return JSON.parse(await readFile(file, 'utf8')) as ChatSessionJSON;
}

const PROMPT = '>>> ';

describe('gpt4all chat, in a terminal', () => {
  it('streams replies; /system, /reset, /save and /load; Ctrl-D at an empty prompt exits 0', async () => {
    const chat = chatInTerminal([hello, '--temperature', '0']);
    await chat.waitFor('/help lists the commands');
    await chat.waitFor(PROMPT);
    chat.type('hi\r');
    await chat.waitFor('Hello there!');
    await chat.waitFor(PROMPT);

    chat.type('/system Answer like a pirate.\r');
    await chat.waitFor('(system message set; new conversation)');
    await chat.waitFor(PROMPT);
    const afterSystem = join(dir.path, 'after-system.json');
    chat.type(`/save ${afterSystem}\r`);
    await chat.waitFor('(saved 1 messages');
    expect((await savedSession(afterSystem)).messages).toEqual([{ role: 'system', content: 'Answer like a pirate.' }]);

    for (const line of ['first question', 'second question']) {
      chat.type(`${line}\r`);
      await chat.waitFor('Hello there!');
      await chat.waitFor(PROMPT);
    }
    const twoTurns = join(dir.path, 'two-turns.json');
    chat.type(`/save ${twoTurns}\r`);
    await chat.waitFor('(saved 5 messages');
    const saved = await savedSession(twoTurns);
    expect(saved.messages.map((m) => [m.role, m.content])).toEqual([
      ['system', 'Answer like a pirate.'],
      ['user', 'first question'],
      ['assistant', 'Hello there!'],
      ['user', 'second question'],
      ['assistant', 'Hello there!'],
    ]);
    expect(saved.sampling).toEqual({ temperature: 0 });

    chat.type('/reset\r');
    await chat.waitFor('(new conversation)');
    const afterReset = join(dir.path, 'after-reset.json');
    chat.type(`/save ${afterReset}\r`);
    await chat.waitFor('(saved 1 messages');
    expect((await savedSession(afterReset)).messages).toEqual([{ role: 'system', content: 'Answer like a pirate.' }]);

    chat.type(`/load ${twoTurns}\r`);
    await chat.waitFor('(loaded 5 messages');
    const reloaded = join(dir.path, 'reloaded.json');
    chat.type(`/save ${reloaded}\r`);
    await chat.waitFor('(saved 5 messages');
    expect((await savedSession(reloaded)).messages).toEqual(saved.messages);

    chat.type('/help\r');
    await chat.waitFor('/load <file>');
    chat.type('/nonsense\r');
    await chat.waitFor('unknown command /nonsense');
    await chat.waitFor(PROMPT);
    chat.type('\x04');
    expect(await chat.exit).toBe(0);
  });

  it('Ctrl-C stops a streaming reply and the REPL goes on; Ctrl-C clears a typed line; Ctrl-C at an empty prompt exits 0', async () => {
    const chat = chatInTerminal([endless, '--context-size', '32768', '--max-tokens', '-1']);
    await chat.waitFor(PROMPT);
    chat.type('sing\r');
    // The reply shows while it is generated: dozens of tokens, long before it could end.
    await chat.waitFor(/( la){30}/);
    chat.type('\x03');
    await chat.waitFor('(reply stopped)');
    await chat.waitFor(PROMPT);

    // The stopped reply stays in the history, as GPT4All's chat keeps it; the REPL still works.
    const file = join(dir.path, 'stopped.json');
    chat.type(`/save ${file}\r`);
    await chat.waitFor('(saved 2 messages');
    const [user, reply] = (await savedSession(file)).messages;
    expect(user).toMatchObject({ role: 'user', content: 'sing' });
    expect(reply!.role).toBe('assistant');
    expect(reply!.content).toMatch(/^( la)+$/);

    chat.type('never sent');
    chat.type('\x03');
    await chat.waitFor('^C');
    await chat.waitFor(PROMPT);
    chat.type('\x03');
    expect(await chat.exit).toBe(0);
    expect(chat.output).not.toContain('(reply stopped)\r\n(reply stopped)');
  });
});

describe('gpt4all chat, with piped input', () => {
  it('answers each line on stdout and exits 0 at the end of the input', async () => {
    const result = await runCli(['chat', hello, '--threads', '1'], { input: 'one\ntwo\n', env: { GPT4ALL_MODEL_PATH: join(dir.path, 'models'), GPT4ALL_CATALOG_URL: join(dir.path, 'no-catalog.json') } });
    expect(result).toMatchObject({ code: 0, stdout: 'Hello there!\nHello there!\n' });
  });

  it('without a model argument uses the only installed model, and says what to do when there is none or several', async () => {
    const models = join(dir.path, 'one-model');
    const env = { GPT4ALL_MODEL_PATH: models, GPT4ALL_CATALOG_URL: join(dir.path, 'no-catalog.json') };
    const none = await runCli(['chat'], { input: 'hi\n', env });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error: no model given, and none is installed in .*gpt4all pull <name>.* \(ERR_USAGE\)\n$/);

    await mkdir(models, { recursive: true });
    await symlink(hello, join(models, 'hello.gguf'));
    const one = await runCli(['chat', '--threads', '1'], { input: 'hi\n', env });
    expect(one).toMatchObject({ code: 0, stdout: 'Hello there!\n' });

    await symlink(endless, join(models, 'endless.gguf'));
    const two = await runCli(['chat'], { input: 'hi\n', env });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('2 are installed');
    expect(two.stderr).toContain('endless.gguf, hello.gguf');
  });
});
