#!/usr/bin/env node
// `gpt4all-doctor` (also `npx @gpt4all/core doctor`): prints what this machine has, which
// variants are installed, which one would run and why, and what to do for GPU support.
//
//   gpt4all-doctor [--json] [--refresh] [--rpc host:port,...]
//
// --refresh probes GPU packages again instead of reading the probe cache; --rpc connects to RPC
// workers as a model load would and lists their devices.
import { parseArgs } from 'node:util';
import { probeCachePath } from './backend-probe-cache.js';
import { doctorReport, type DoctorFindings } from './doctor-report.js';
import { gpuHints } from './gpu-hints.js';
import { bindingFor } from './native/load-binding.js';
import { probeRpcWorker } from './rpc-worker.js';
import { currentPlatform, findPackage, packageContents, packageNameOf, resolveBackend, variantsFor } from './resolve-backend.js';

declare const __GPT4ALL_CORE_VERSION__: string;

/** Gathers the doctor's findings; never throws for a machine problem, it reports it. */
function diagnose(options: { refresh?: boolean; env?: NodeJS.ProcessEnv } = {}): DoctorFindings {
  const env = options.env ?? process.env;
  const platform = currentPlatform();
  const variants = variantsFor(platform);
  const hints = gpuHints(env);
  const probeCache = options.refresh ? undefined : probeCachePath(env);
  const findings: DoctorFindings = {
    coreVersion: __GPT4ALL_CORE_VERSION__,
    platform,
    nodeVersion: process.version,
    hints,
    environment: Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('GPT4ALL_') && value)) as Record<string, string>,
    variants,
    installed: Object.fromEntries(
      variants.map(([name]) => {
        const found = findPackage(packageNameOf(name, platform));
        let contents;
        try {
          contents = found ? packageContents(found.dir) : undefined;
        } catch (error) {
          return [name, found && { ...found, damaged: (error as Error).message }];
        }
        return [name, found && { ...found, contents }];
      }),
    ),
    probeCache,
  };
  try {
    // The doctor prints the reasons itself; the process warnings would repeat them.
    findings.resolution = resolveBackend({ env, hints, probeCache: probeCache ?? null, warn: false });
  } catch (error) {
    findings.resolutionError = (error as Error).message;
    return findings;
  }
  try {
    // Exactly the addon and CPU packages shown, with the version check; the CPU level is known
    // once the addon has loaded its modules.
    const { binding, resolution } = bindingFor(findings.resolution);
    findings.cpu = resolution.cpu;
    findings.devices = binding.listDevices();
  } catch (error) {
    findings.devicesError = (error as Error).message;
  }
  return findings;
}

const usage =
  'usage: gpt4all-doctor [--json] [--refresh] [--rpc host:port,...]\n  --json     the findings as JSON\n  --refresh  probe GPU packages again instead of reading the probe cache\n' +
  '  --rpc      check RPC workers: connect as a model load would, list their devices\n';

/** Each worker, probed in turn (a worker serves one connection at a time), within 5 s each. */
async function probeWorkers(list: string): Promise<NonNullable<DoctorFindings['rpcWorkers']>> {
  const results: NonNullable<DoctorFindings['rpcWorkers']> = [];
  for (const endpoint of list.split(',').map((e) => e.trim()).filter(Boolean)) {
    try {
      results.push({ endpoint, devices: (await probeRpcWorker(endpoint, { timeoutMs: 5000 })).devices });
    } catch (error) {
      results.push({ endpoint, error: (error as Error).message });
    }
  }
  return results;
}

async function main(argv: string[]): Promise<number> {
  let values: { json?: boolean; refresh?: boolean; help?: boolean; rpc?: string };
  try {
    ({ values } = parseArgs({
      args: argv[0] === 'doctor' ? argv.slice(1) : argv,
      options: { json: { type: 'boolean', default: false }, refresh: { type: 'boolean', default: false }, rpc: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    }));
  } catch (error) {
    process.stderr.write(`gpt4all-doctor: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const findings = diagnose({ refresh: values.refresh });
  if (values.rpc !== undefined && findings.resolution && !findings.devicesError) findings.rpcWorkers = await probeWorkers(values.rpc);
  process.stdout.write(values.json ? `${JSON.stringify(findings, null, 2)}\n` : `${doctorReport(findings).join('\n')}\n`);
  const workersAnswer = (findings.rpcWorkers ?? []).every((w) => w.error === undefined);
  return findings.resolution && !findings.devicesError && workersAnswer ? 0 : 1;
}

void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
