import { createCompletion, loadModel, type Model } from '@gpt4all/chat';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliOptions } from '../testing/cli-process.js';
import { tempDir } from '../testing/temp-dir.js';
import { testModelPath } from '../testing/test-models.js';

// Each run is compared with what @gpt4all/chat gives in this process for the same model, prompt
// and greedy decoding: the CLI must add nothing to stdout and change nothing in the text.
let dir: { path: string; remove: () => Promise<void> };
let chatModel: string;
let hello: string;
let model: Model;
let cli: CliOptions;

beforeAll(async () => {
  dir = await tempDir();
  chatModel = await testModelPath('chat');
  hello = await testModelPath('hello');
  // One thread, here and in the CLI: the machine is small and shared.
  model = await loadModel(chatModel, { threads: 1 });
  const catalog = join(dir.path, 'catalog.json');
  await writeFile(catalog, '[]');
  cli = { env: { GPT4ALL_MODEL_PATH: join(dir.path, 'models'), GPT4ALL_CATALOG_URL: catalog } };
});
afterAll(async () => {
  await model?.dispose();
  await dir.remove();
});

const greedy = ['--temperature', '0', '--max-tokens', '24', '--threads', '1'];

async function expected(messages: { role: 'system' | 'user'; content: string }[]): Promise<string> {
  const completion = await createCompletion(model, messages, { temperature: 0, maxTokens: 24 });
  return completion.choices[0].message.content;
}

describe('gpt4all run', () => {
  it('writes only the generated text on stdout: what createCompletion gives, at temperature 0', async () => {
    const text = await expected([{ role: 'user', content: 'Name a colour.' }]);
    expect(text.length).toBeGreaterThan(0);
    const result = await runCli(['run', chatModel, 'Name a colour.', ...greedy], cli);
    expect(result).toMatchObject({ code: 0, stdout: text });
    expect(result.stderr).not.toContain(text);
  });

  it('takes a bare file name in the working directory as that file', async () => {
    const text = await expected([{ role: 'user', content: 'Name a colour.' }]);
    const result = await runCli(['run', basename(chatModel), 'Name a colour.', ...greedy], { ...cli, cwd: dirname(chatModel) });
    expect(result).toMatchObject({ code: 0, stdout: text });
  });

  it('reads the prompt from stdin when it is absent or -', async () => {
    const text = await expected([{ role: 'user', content: 'Say something.' }]);
    for (const args of [[], ['-']]) {
      const result = await runCli(['run', chatModel, ...args, ...greedy], { ...cli, input: 'Say something.\n' });
      expect(result).toMatchObject({ code: 0, stdout: text });
    }
  });

  it('--system adds a system message', async () => {
    const text = await expected([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Name a colour.' },
    ]);
    const result = await runCli(['run', chatModel, 'Name a colour.', '--system', 'You are terse.', ...greedy], cli);
    expect(result).toMatchObject({ code: 0, stdout: text });
  });

  it('--raw continues the prompt without the chat template (Model.complete)', async () => {
    const { text } = await model.complete('Once upon a time', { temperature: 0, maxTokens: 24 });
    const result = await runCli(['run', chatModel, 'Once upon a time', '--raw', ...greedy], cli);
    expect(result).toMatchObject({ code: 0, stdout: text });
  });

  it('--json-schema (inline or a file) makes the output JSON that validates', async () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string', maxLength: 12 }, population: { type: 'integer', minimum: 0, maximum: 999 } },
      required: ['city', 'population'],
      additionalProperties: false,
    };
    const file = join(dir.path, 'schema.json');
    await writeFile(file, JSON.stringify(schema));
    for (const value of [JSON.stringify(schema), file]) {
      const result = await runCli(['run', chatModel, 'Describe a city.', '--json-schema', value, '--temperature', '0', '--max-tokens', '200', '--threads', '1'], cli);
      expect(result.code).toBe(0);
      const output = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(Object.keys(output).sort()).toEqual(['city', 'population']);
      expect(typeof output.city).toBe('string');
      expect((output.city as string).length).toBeLessThanOrEqual(12);
      expect(Number.isInteger(output.population)).toBe(true);
      expect(output.population).toBeGreaterThanOrEqual(0);
      expect(output.population).toBeLessThanOrEqual(999);
    }
  });

  it('keeps a thinking model\'s reasoning off stdout (it goes to stderr)', async () => {
    const result = await runCli(['run', await testModelPath('thinker'), 'What is 2 + 2?', '--threads', '1'], cli);
    expect(result).toMatchObject({ code: 0, stdout: 'The answer is 4.' });
    expect(result.stderr).toContain('Let me think');
  });

  it('--stop ends the text before the stop string', async () => {
    const whole = await runCli(['run', hello, 'hi', '--threads', '1'], cli);
    expect(whole).toMatchObject({ code: 0, stdout: 'Hello there!' });
    const cut = await runCli(['run', hello, 'hi', '--stop', ' there', '--threads', '1'], cli);
    expect(cut).toMatchObject({ code: 0, stdout: 'Hello' });
  });

  it.each([
    ['no model', ['run']],
    ['an unknown option', ['run', 'm', 'p', '--bogus']],
    ['a temperature that is not a number', ['run', 'm', 'p', '--temperature', 'hot']],
    ['a negative thread count', ['run', 'm', 'p', '--threads', '-2']],
    ['--max-tokens 0', ['run', 'm', 'p', '--max-tokens', '0']],
    ['--raw with --system', ['run', 'm', 'p', '--raw', '--system', 'x']],
    ['an empty prompt', ['run', 'm', '']],
    ['--json-schema that is not JSON', ['run', 'm', 'p', '--json-schema', '{"type":']],
    ['--json-schema naming a missing file', ['run', 'm', 'p', '--json-schema', '/nonexistent/schema.json']],
  ])('exits 2 for a usage error: %s', async (_, args) => {
    const result = await runCli(args, cli);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: /);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('exits 1 with a typed one-line error, and no stack, for a model that is not there', async () => {
    for (const name of ['/nonexistent/model.gguf', 'No Such Model']) {
      const result = await runCli(['run', name, 'hi'], cli);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      // Besides warnings (a GPU package installed on a machine without a GPU says so), one line.
      expect(result.stderr).not.toContain('(node:');
      const lines = result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('warning: '));
      expect(lines).toEqual([expect.stringMatching(/^error: .+ \(ERR_MODEL_NOT_FOUND\)$/)]);
    }
  });

  it('--verbose shows the stack of an error', async () => {
    const result = await runCli(['--verbose', 'run', '/nonexistent/model.gguf', 'hi'], cli);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .+ \(ERR_MODEL_NOT_FOUND\)\n/m);
    expect(result.stderr).toMatch(/^\s+at /m);
  });
});
