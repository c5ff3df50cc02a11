import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gpuHints } from './gpu-hints.js';

const dir = mkdtempSync(join(tmpdir(), 'gpt4all-hints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(process.platform === 'linux')('gpuHints', () => {
  it('finds the Vulkan loader and libcuda on LD_LIBRARY_PATH, as the dynamic loader would', () => {
    writeFileSync(join(dir, 'libvulkan.so.1'), '');
    writeFileSync(join(dir, 'libcuda.so.1'), '');
    const hints = gpuHints({ LD_LIBRARY_PATH: `/nonexistent:${dir}` });
    expect(hints.vulkanLoader).toEqual({ present: true, detail: `libvulkan.so.1 found (${join(dir, 'libvulkan.so.1')})` });
    if (!existsSync('/proc/driver/nvidia/version')) {
      expect(hints.nvidiaDriver).toEqual({ present: true, detail: `libcuda.so.1 found (${join(dir, 'libcuda.so.1')})` });
    }
    // The library path is part of what a cached probe depends on.
    expect(hints.librariesStamp).toContain(dir);
    expect(gpuHints({}).librariesStamp).not.toBe(hints.librariesStamp);
  });

  it('says what is missing, on a machine without an NVIDIA driver', () => {
    const hints = gpuHints({});
    expect(hints.cpuModel.length).toBeGreaterThan(0);
    if (existsSync('/proc/driver/nvidia/version')) {
      expect(hints.nvidiaDriver).toMatchObject({ present: true, version: expect.stringMatching(/^\d+\.\d+/) });
    } else if (!hints.nvidiaDriver.present) {
      expect(hints.nvidiaDriver.detail).toBe('no NVIDIA driver: no /proc/driver/nvidia/version and no libcuda.so.1 for the dynamic loader');
    }
    expect(hints.renderNodes.every((node) => node.startsWith('/dev/dri/renderD'))).toBe(true);
  });
});
