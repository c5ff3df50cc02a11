#!/usr/bin/env node
// `gpt4all-doctor` (also `npx @gpt4all/core doctor`): prints what this machine has, which
// variants are installed, which one would run and why, and what to do for GPU support.
//
//   gpt4all-doctor [--json] [--refresh]
//
// --refresh probes GPU packages again instead of reading the probe cache.
import { parseArgs } from 'node:util';
import { probeCachePath } from './backend-probe-cache.js';
import { doctorReport, type DoctorFindings } from './doctor-report.js';
import { gpuHints } from './gpu-hints.js';
import { bindingFor } from './native/load-binding.js';
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
          contents = found?.built ? packageContents(found.binaryPath) : undefined;
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

const usage = 'usage: gpt4all-doctor [--json] [--refresh]\n  --json     the findings as JSON\n  --refresh  probe GPU packages again instead of reading the probe cache\n';

function main(argv: string[]): number {
  let values: { json?: boolean; refresh?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv[0] === 'doctor' ? argv.slice(1) : argv,
      options: { json: { type: 'boolean', default: false }, refresh: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
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
  process.stdout.write(values.json ? `${JSON.stringify(findings, null, 2)}\n` : `${doctorReport(findings).join('\n')}\n`);
  return findings.resolution && !findings.devicesError ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
