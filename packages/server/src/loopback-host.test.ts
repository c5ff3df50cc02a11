import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isLocalHostHeader, isLoopbackHost, urlHost } from './loopback-host.js';

describe('loopback hosts', () => {
  it('knows which bind addresses keep the server to this machine', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'example.com', '128.0.0.1']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('writes hosts into URLs, with brackets for IPv6 and this machine for wildcards', () => {
    expect(['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].map(urlHost)).toEqual(['127.0.0.1', '127.0.0.1', '[::1]', '[::1]', 'localhost']);
  });

  it('accepts Host headers that name this machine, and refuses others (DNS rebinding)', () => {
    for (const header of ['localhost:4891', 'localhost', '127.0.0.1:4891', '[::1]:4891', 'app.localhost:4891', `${hostname()}:4891`]) expect(isLocalHostHeader(header), header).toBe(true);
    for (const header of [undefined, '', 'evil.example', 'evil.example:4891', '192.168.1.5:4891', 'localhost.evil.example']) expect(isLocalHostHeader(header), String(header)).toBe(false);
  });
});
