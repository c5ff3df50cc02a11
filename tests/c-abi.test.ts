// The C ABI (crates/capi) as a C program sees it: libgpt4all and gpt4all.h from the platform
// package that npm installs. The header compiles as strict C99, the library exports only
// gpt4all_* symbols, bad input returns a status and never crashes (tests/c-abi/abi-checks.c,
// one run per case), and the C example (examples/c/generate.c) prints what Node generates.
import { backendInfo, loadModel } from '@gpt4all/core';
import { ensureTestModel, type TestModelOptions } from '@gpt4all/test-models';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/llama-tools.js';

const strictC99 = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic'];
const packageDir = dirname(backendInfo().binaryPath);
const library = join(packageDir, process.platform === 'darwin' ? 'libgpt4all.dylib' : 'libgpt4all.so');
const work = mkdtempSync(join(tmpdir(), 'gpt4all-c-abi-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Compiles C sources against the installed header and library; returns the executable. */
function compile(name: string, sources: string[], extra: string[] = []): string {
  const output = join(work, name);
  execFileSync('cc', [...strictC99, ...extra, ...sources, `-I${packageDir}`, `-L${packageDir}`, '-lgpt4all', `-Wl,-rpath,${packageDir}`, '-o', output], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return output;
}

describe('the installed library and header', () => {
  it('the platform package carries libgpt4all and gpt4all.h, the header as committed', () => {
    expect(existsSync(library)).toBe(true);
    expect(readFileSync(join(packageDir, 'gpt4all.h'), 'utf8')).toBe(readFileSync(join(repoRoot, 'crates/capi/include/gpt4all.h'), 'utf8'));
  });

  it.each(['cc', 'clang'])('gpt4all.h compiles as strict C99 with %s, and as C++', (compiler) => {
    const source = join(work, `header-${compiler}.c`);
    writeFileSync(source, '#include "gpt4all.h"\nint main(void) { return gpt4all_abi_version() == GPT4ALL_ABI_VERSION ? 0 : 1; }\n');
    execFileSync(compiler, [...strictC99, '-fsyntax-only', `-I${packageDir}`, source], { stdio: 'inherit' });
    execFileSync(compiler, ['-x', 'c++', '-std=c++11', '-Wall', '-Wextra', '-Werror', '-pedantic', '-fsyntax-only', `-I${packageDir}`, source], { stdio: 'inherit' });
  });

  it('the library exports only gpt4all_* symbols', () => {
    const symbols = execFileSync('nm', ['-D', '--defined-only', library], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/).pop()!);
    expect(symbols.length).toBeGreaterThan(20);
    expect(symbols.filter((name) => !name.startsWith('gpt4all_'))).toEqual([]);
  });
});

describe('bad input through the C ABI returns a status', () => {
  let checks: string;
  let model: string;
  beforeAll(async () => {
    checks = compile('abi-checks', [join(repoRoot, 'tests/c-abi/abi-checks.c')], ['-D_POSIX_C_SOURCE=200809L', '-pthread']);
    model = await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', seed: 31 });
  });

  it.each(['null-arguments', 'invalid-utf8', 'small-buffers', 'freed-handles', 'concurrent-calls-and-abort', 'injected-panic', 'bad-input', 'older-structs', 'grammars', 'logits-and-cache-options'])(
    '%s',
    (name) => {
      const run = spawnSync(checks, [name, model, work], { encoding: 'utf8', timeout: 120_000 });
      expect(run.stderr.split('\n').filter((line) => line.includes('check failed'))).toEqual([]);
      expect(run.signal).toBeNull();
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(`ok ${name}\n`);
    },
  );
});

describe('the C and Go examples print what Node generates', () => {
  const models: Record<string, TestModelOptions> = {
    'llama (SentencePiece)': { architecture: 'llama', vocab: 'llama-spm', seed: 11 },
    qwen2: { architecture: 'qwen2', vocab: 'qwen2', seed: 13 },
    gpt2: { architecture: 'gpt2', vocab: 'gpt-2', seed: 15 },
  };
  let cExample: string;
  let goExample: string;
  beforeAll(() => {
    cExample = compile('generate', [join(repoRoot, 'examples/c/generate.c')]);
    goExample = join(work, 'generate-go');
    // GOTOOLCHAIN=local: build with the Go that is installed, never download another. Go's
    // build cache does not hash headers outside the module, so the header's digest goes into
    // CGO_CFLAGS (which it does hash): a changed gpt4all.h is never compiled against stale code.
    const headerDigest = createHash('sha256').update(readFileSync(join(packageDir, 'gpt4all.h'))).digest('hex').slice(0, 16);
    execFileSync('go', ['build', '-o', goExample, '.'], {
      cwd: join(repoRoot, 'examples/go'),
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        GOTOOLCHAIN: 'local',
        CGO_ENABLED: '1',
        CGO_CFLAGS: `-I${packageDir} -DGPT4ALL_H_DIGEST=${headerDigest}`,
        CGO_LDFLAGS: `-L${packageDir} -Wl,-rpath,${packageDir}`,
      },
    });
  });

  describe.each(Object.entries(models))('%s', (_name, options) => {
    it.each(['The quick brown fox', 'Ünïcödé: 日本語と🦙'])('%j', async (prompt) => {
      const path = await ensureTestModel(options);
      const maxTokens = 32;
      const run = (program: string) => execFileSync(program, [path, prompt, String(maxTokens)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const node = await loadModel(path);
      const context = await node.createContext({ contextSize: 512, threads: 2 });
      const expected = await context.generate(prompt, { maxTokens, temperature: 0 });
      await node.dispose();
      expect(expected.tokens.length).toBeGreaterThan(0);
      expect(run(cExample)).toBe(expected.text);
      expect(run(goExample)).toBe(expected.text);
    });
  });
});
