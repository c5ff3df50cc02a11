import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../exit-code.js';
import { runCli, startCli, type CliChild } from '../testing/cli-process.js';

let child: CliChild | undefined;
afterEach(() => {
  child?.process.kill('SIGKILL');
  child = undefined;
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('gpt4all rpc-worker', () => {
  it('serves this machine on loopback, and its help warns about the protocol', async () => {
    const help = (await runCli(['rpc-worker', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('no authentication');
    expect(help).toContain('default: 127.0.0.1');
    const port = await freePort();
    child = startCli(['rpc-worker', '--port', String(port), '--threads', '1'], { timeoutMs: 60_000 });
    await child.waitForStderr(new RegExp(`RPC worker on 127\\.0\\.0\\.1:${port} serving CPU`), 30_000);
    expect(child.stderr).not.toContain('--allow-remote');
    child.process.kill('SIGKILL');
    // A name that resolves to loopback (llama.cpp's server binds IPv4 digits only).
    const named = await freePort();
    child = startCli(['rpc-worker', '--host', 'localhost', '--port', String(named), '--threads', '1'], { timeoutMs: 60_000 });
    await child.waitForStderr(new RegExp(`RPC worker on localhost:${named} serving CPU`), 30_000);
    // The doctor (gpt4all doctor --rpc) reaches it as a host would.
    const doctor = await runCli(['doctor', '--rpc', `127.0.0.1:${named}`]);
    expect(doctor.stdout).toMatch(new RegExp(`RPC workers\\n  127\\.0\\.0\\.1:${named}: RPC\\d+`));
    expect(doctor.code).toBe(0);
  });

  it('refuses an address other machines can reach unless --allow-remote, and then warns', async () => {
    const refused = await runCli(['rpc-worker', '--host', '0.0.0.0', '--port', String(await freePort())]);
    expect(refused.code).toBe(ExitCode.failure);
    expect(refused.stderr).toMatch(/not a loopback address.*no authentication/s);
    expect(refused.stderr).toContain('--allow-remote');

    const port = await freePort();
    child = startCli(['rpc-worker', '--host', '0.0.0.0', '--port', String(port), '--threads', '1', '--allow-remote'], { timeoutMs: 60_000 });
    await child.waitForStderr(/RPC worker on 0\.0\.0\.0:\d+ serving/, 30_000);
    expect(child.stderr).toMatch(/warning: --allow-remote: .*no authentication or encryption/);
  });

  it('says when its port is taken, and refuses bad numbers as usage errors', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const result = await runCli(['rpc-worker', '--port', String(port)]);
      expect(result.code).toBe(ExitCode.failure);
      expect(result.stderr).toMatch(/cannot listen.*in use/i);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    const ipv6 = await runCli(['rpc-worker', '--host', '::1', '--port', String(await freePort())]);
    expect(ipv6.stderr).toMatch(/IPv4 only/);
    for (const args of [['--port', '70000'], ['--threads', '0'], ['--mem', 'lots']]) {
      expect((await runCli(['rpc-worker', ...args])).code).toBe(ExitCode.usage);
    }
  });
});
