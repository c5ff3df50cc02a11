import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NativeDevice } from './native/binding.js';
import type { BackendResolution, CpuLevelInfo, findPackage, PackageContents, VariantSpec } from './resolve-backend.js';
import type { GpuHints } from './gpu-hints.js';
import type { RpcDevice } from './rpc-worker.js';

/** Everything `gpt4all-doctor` found, gathered before anything is printed. */
export interface DoctorFindings {
  coreVersion: string;
  platform: string;
  nodeVersion: string;
  hints: GpuHints;
  /** The GPT4ALL_* variables set for this process: they change what runs. */
  environment: Record<string, string>;
  /** The variants built for this platform, best first. */
  variants: [name: string, spec: VariantSpec][];
  /** Each variant's platform package, when installed, with what it carries. */
  installed: Record<string, (NonNullable<ReturnType<typeof findPackage>> & { contents?: PackageContents; damaged?: string }) | undefined>;
  /** The CPU level the chosen variant runs, and why (once its addon has loaded). */
  cpu?: CpuLevelInfo;
  resolution?: BackendResolution;
  /** Why no variant could be chosen, when none could. */
  resolutionError?: string;
  devices?: NativeDevice[];
  devicesError?: string;
  probeCache?: string;
  /** With `--rpc`: each RPC worker's devices (memory in bytes), or why it cannot be used. */
  rpcWorkers?: { endpoint: string; devices?: RpcDevice[]; error?: string }[];
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/** The doctor's report, as lines of text: what the machine has, what is installed, what runs, what to do. */
export function doctorReport(f: DoctorFindings): string[] {
  const lines: string[] = [];
  const section = (title: string) => lines.push('', title);
  lines.push(`GPT4All doctor (@gpt4all/core ${f.coreVersion})`);

  section('Machine');
  lines.push(`  platform       ${f.platform}, Node ${f.nodeVersion}`);
  lines.push(`  CPU            ${f.hints.cpuModel}`);
  if (f.cpu) lines.push(`  CPU features   ${f.cpu.features.join(', ') || 'baseline x86-64 only'} (cpuid, with the OS's register state)`);
  lines.push(`  NVIDIA driver  ${f.hints.nvidiaDriver.present ? 'yes: ' : ''}${f.hints.nvidiaDriver.detail}`);
  lines.push(`  Vulkan loader  ${f.hints.vulkanLoader.present ? 'yes: ' : ''}${f.hints.vulkanLoader.detail}`);
  const environment = Object.entries(f.environment).map(([key, value]) => `${key}=${value}`);
  if (environment.length > 0) lines.push(`  environment    ${environment.join(', ')}`);
  if (f.platform.startsWith('linux')) {
    lines.push(`  GPU devices    ${f.hints.renderNodes.length > 0 ? f.hints.renderNodes.join(', ') : 'none in /dev/dri (no GPU with a kernel driver is visible)'}`);
  }

  section('Installed variants');
  for (const [name, spec] of f.variants) {
    const found = f.installed[name];
    const kind = spec.gpu ? `GPU, opt-in (${spec.gpu})` : 'CPU, installed by default';
    const state = !found ? `not installed (npm install @gpt4all/core-${f.platform}-${name})` : found.missing !== undefined ? `${found.version}, ${found.missing}` : `${found.version}, ${sizeOf(found, found.contents)}`;
    lines.push(`  ${name.padEnd(9)} ${kind.padEnd(26)} ${state}`);
    const levels = found?.contents?.cpuLevels.map((l) => l.name) ?? [];
    const modules = found?.contents?.backendModules ?? [];
    if (levels.length > 0) lines.push(`            CPU levels: ${levels.join(', ')}`);
    if (modules.length > 0) lines.push(`            modules: ${modules.join(', ')}`);
    if (found?.contents?.engine) lines.push(`            engine: the ${found.contents.engine} package's`);
    if (found?.damaged) lines.push(`            DAMAGED: ${found.damaged}`);
    const missing = found?.contents ? missingFiles(found.dir, found.contents) : [];
    if (missing.length > 0) lines.push(`            MISSING: ${missing.join(', ')} (reinstall the package)`);
  }

  section('Resolution');
  if (f.resolution) {
    lines.push(`  chosen: ${f.resolution.variant} (${f.resolution.packageName}): ${f.resolution.reason}`);
    for (const a of f.resolution.attempts) {
      lines.push(`    ${a.outcome.padEnd(8)} ${a.variant.padEnd(9)} ${a.reason}${a.cached ? ' [cached probe]' : ''}`);
    }
    if (f.cpu) {
      lines.push(`  CPU level: ${f.cpu.level}: ${f.cpu.reason}`);
      for (const c of f.cpu.candidates) {
        const verdict = c.error ? 'broken    ' : c.score > 0 ? `score ${String(c.score).padEnd(4)}` : 'cannot run';
        lines.push(`    ${verdict} ${c.name}${c.error ? `: ${c.error}` : ''}`);
      }
    }
  } else {
    lines.push(`  no variant can run here: ${f.resolutionError}`);
  }

  if (f.devices || f.devicesError) {
    section(`Devices (${f.resolution?.variant})`);
    for (const d of f.devices ?? []) {
      const memory = d.memoryTotal > 0 ? `, ${gib(d.memoryFree)} free of ${gib(d.memoryTotal)}` : '';
      lines.push(`  ${d.name}: ${d.description} (${d.kind}, ${d.backend}${memory})`);
    }
    if (f.devicesError) lines.push(`  could not list devices: ${f.devicesError}`);
  }

  if (f.rpcWorkers) {
    section('RPC workers');
    for (const w of f.rpcWorkers) {
      if (w.error !== undefined) lines.push(`  ${w.endpoint}: UNAVAILABLE: ${w.error}`);
      for (const d of w.devices ?? []) lines.push(`  ${w.endpoint}: ${d.name}, ${gib(d.memoryFree)} free of ${gib(d.memoryTotal)}`);
    }
  }

  section('Next steps');
  // A step that starts with spaces continues the one before it.
  for (const step of nextSteps(f)) lines.push(step.startsWith(' ') ? `  ${step}` : `  - ${step}`);
  return lines;
}

/** The files native.json lists that are not there. */
function missingFiles(dir: string, contents: PackageContents): string[] {
  return filesOf(contents).filter((file) => !statSync(join(dir, file), { throwIfNoEntry: false }));
}

/** What the package carries: its addon (unless its engine is another package's), libraries and modules. */
function sizeOf(found: { dir: string; binaryPath: string }, contents: PackageContents | undefined): string {
  const own = dirname(found.binaryPath) === found.dir ? [found.binaryPath] : [];
  const paths = [...own, ...(contents ? filesOf(contents) : []).map((file) => join(found.dir, file))];
  const bytes = paths.reduce((sum, path) => sum + (statSync(path, { throwIfNoEntry: false })?.size ?? 0), 0);
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function filesOf(contents: PackageContents): string[] {
  return [...contents.sharedLibraries, ...contents.cpuLevels.map((l) => l.file), ...contents.backendModules];
}

/** Concrete advice for this machine: what to install or fix to use its GPU, if it has one. */
function nextSteps(f: DoctorFindings): string[] {
  const steps: string[] = [];
  const attempts = f.resolution?.attempts ?? [];
  const chosen = f.resolution?.variant;
  const gpuVariants = f.variants.filter(([, spec]) => spec.gpu);
  const packageOf = (variant: string) => `@gpt4all/core-${f.platform}-${variant}`;
  if (!f.resolution) {
    steps.push('No variant runs here; see the attempts above.');
  }
  for (const a of attempts.filter((attempt) => attempt.failure)) {
    steps.push(`${a.packageName} is installed but unusable: ${a.reason}. Fix that, or uninstall the package to silence the warning.`);
  }
  const gpuChosen = gpuVariants.some(([name]) => name === chosen);
  if (gpuChosen) {
    steps.push(`Nothing to do: ${chosen} runs on the GPU. Models load with gpuLayers: 'max' by default.`);
  } else if (gpuVariants.length > 0 && f.resolution) {
    const installed = (variant: string) => f.installed[variant] !== undefined;
    const cuda = gpuVariants.find(([name]) => name === 'cuda')?.[1];
    const hasCuda = cuda !== undefined;
    const cudaName = `CUDA ${cuda?.requires.cudaMajor ?? ''}`.trim();
    const hasVulkan = gpuVariants.some(([name]) => name === 'vulkan');
    const { nvidiaDriver, vulkanLoader, renderNodes } = f.hints;
    if (hasCuda && nvidiaDriver.present && !installed('cuda')) {
      steps.push(`An NVIDIA driver is present: \`npm install ${packageOf('cuda')}\` for CUDA (it needs the ${cudaName} runtime libraries too).`);
    }
    if (hasVulkan && vulkanLoader.present && !installed('vulkan')) {
      steps.push(`A Vulkan loader is present: \`npm install ${packageOf('vulkan')}\` to run on any Vulkan GPU.`);
    }
    if (!nvidiaDriver.present && !vulkanLoader.present) {
      const seen = renderNodes.length > 0 ? `A GPU is visible (${renderNodes.join(', ')}) but has no compute driver.` : 'No GPU driver found.';
      steps.push(`${seen} This machine runs GPT4All on the CPU (${chosen}), which works, only slower.`);
      steps.push('For GPU acceleration on this machine: install a GPU driver, then add a GPU package next to @gpt4all/core:');
      if (hasCuda) steps.push(`  NVIDIA: the NVIDIA driver (${cudaName}), then \`npm install ${packageOf('cuda')}\``);
      if (hasVulkan) steps.push(`  AMD, Intel or NVIDIA: Vulkan drivers (Debian/Ubuntu: apt install libvulkan1 mesa-vulkan-drivers), then \`npm install ${packageOf('vulkan')}\``);
    }
  }
  steps.push('Force a variant with GPT4ALL_BACKEND=<variant> or loadModel(path, { backend }), a CPU level with GPT4ALL_CPU_LEVEL=<level>; backendInfo() shows the choice at run time.');
  if (f.probeCache) steps.push(`GPU probe results are cached in ${f.probeCache}; run \`gpt4all-doctor --refresh\` to probe again.`);
  return steps;
}
