import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

// The engine suite runs once per CPU variant of this platform (cpu-avx2 and cpu-avx on x64,
// cpu-arm on linux-arm64), each forced with GPT4ALL_BACKEND, so every package is proven on this
// machine. Native addons run in forked processes.
const table = JSON.parse(readFileSync(new URL('../../crates/llama-sys/variants.json', import.meta.url), 'utf8')) as {
  variants: Record<string, { platforms: string[]; gpu: string | null; priority: number; engine?: string }>;
};
const projects: { name: string; env: Record<string, string>; include?: string[]; exclude?: string[] }[] = Object.entries(table.variants)
  .filter(([, spec]) => spec.gpu === null && spec.platforms.includes(`${process.platform}-${process.arch}`))
  .sort(([, a], [, b]) => b.priority - a.priority)
  .map(([variant, spec], index) => ({
    name: variant,
    env: { GPT4ALL_BACKEND: variant },
    // A package of CPU levels run by another's engine (cpu-avx) is proven where its level code
    // computes: generation, batched sequences, embeddings, quantization. The rest is the engine's
    // code, proven by the engine's own project; every level is also checked against llama.cpp
    // (tests/cpu-levels.test.ts) and under emulated CPUs (tests/cpu-emulated.test.ts).
    ...(spec.engine !== undefined && { include: ['src/generate.test.ts', 'src/parallel-sequences.test.ts', 'src/embed.test.ts', 'src/quantize.test.ts'] }),
    // The structured-output sweep (17 schemas × 20 seeds) exercises the grammar sampler, which is
    // the same code in every CPU variant: the first (preferred) variant runs it.
    ...(index > 0 && spec.engine === undefined && { exclude: ['src/structured-output.test.ts'] }),
  }));

// And on the vulkan variant, where it is built (scripts/setup-vulkan-toolchain.sh, then
// `pnpm build:native --variant vulkan`). Without a chosen Vulkan driver it runs on lavapipe,
// Mesa's CPU driver; ggml-vulkan skips CPU-type devices unless GGML_VK_VISIBLE_DEVICES names them.
const vulkanAddon = new URL('../core-linux-x64-vulkan/gpt4all.linux-x64-vulkan.node', import.meta.url);
const lavapipe = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json';
if (existsSync(vulkanAddon)) {
  const driver: Record<string, string> = process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES || !existsSync(lavapipe) ? {} : { VK_DRIVER_FILES: lavapipe, GGML_VK_VISIBLE_DEVICES: '0' };
  projects.push({
    name: 'vulkan',
    env: { GPT4ALL_BACKEND: 'vulkan', NODE_PATH: vulkanNodePath(), ...driver },
    // The resolver's own tests expect the workspace view, where no GPU package is installed;
    // they run in the CPU projects. This project is for the engine.
    // estimate-memory compares with the CPU backend's buffer sizes and expects no GPU layers; on
    // lavapipe the Vulkan backend holds them.
    // scripted-model proves a property of the test models (each architecture emits its script),
    // which the CPU projects prove; under the full suite's load lavapipe now and then takes down
    // the fork running its eleven GPU-offloaded models (no signal reported, never alone).
    // structured-output sweeps the grammar sampler, which runs on the CPU whatever the backend.
    // parallel-sequences loads eight models in one process, which lavapipe does not survive (a
    // second model loaded after the first is disposed crashes it, with one-sequence contexts
    // too); tests/vulkan-parity.test.ts checks sequences generated together there, a model per process.
    exclude: ['src/resolve-backend.test.ts', 'src/backend-probe.test.ts', 'src/doctor.test.ts', 'src/estimate-memory.test.ts', 'src/scripted-model.test.ts', 'src/structured-output.test.ts', 'src/parallel-sequences.test.ts'],
  });
}

/**
 * @gpt4all/core does not depend on the GPU packages, so in the workspace the resolver cannot find
 * the vulkan one. The vulkan project alone gets it through NODE_PATH: a folder in .cache with
 * @gpt4all/core-linux-x64-vulkan linked in. (The CPU projects keep the usual view.)
 */
function vulkanNodePath(): string {
  const dir = fileURLToPath(new URL('../../.cache/vulkan-node-path', import.meta.url));
  const link = `${dir}/@gpt4all/core-linux-x64-vulkan`;
  if (!existsSync(link)) {
    mkdirSync(`${dir}/@gpt4all`, { recursive: true });
    symlinkSync(fileURLToPath(new URL('../core-linux-x64-vulkan', import.meta.url)), link, 'dir');
  }
  return dir;
}

export default defineConfig({
  define: { __GPT4ALL_CORE_VERSION__: JSON.stringify(version) },
  test: {
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    globalSetup: ['./test/global-setup.ts'],
    projects: projects.map(({ name, env, include, exclude }) => ({
      extends: true,
      test: { name, env, ...(include && { include }), ...(exclude && { exclude: [...configDefaults.exclude, ...exclude] }) },
    })),
  },
});
