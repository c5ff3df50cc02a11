import { isIP } from 'node:net';
import { hostname } from 'node:os';

/** Whether binding `host` keeps the server to this machine: `localhost`, 127.0.0.0/8 or `::1`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** How a URL names `host`: brackets around IPv6, and this machine for a wildcard address. */
export function urlHost(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare === '0.0.0.0') return '127.0.0.1';
  if (bare === '::') return '[::1]';
  return isIP(bare) === 6 ? `[${bare}]` : bare;
}

/**
 * Whether a request's `Host` header names this machine: a loopback name or address, a
 * `*.localhost` name, or the machine's host name. A server bound to loopback answers only these,
 * so that a web page whose domain is re-pointed at 127.0.0.1 (DNS rebinding) cannot reach it as
 * its own origin.
 */
export function isLocalHostHeader(header: string | undefined): boolean {
  if (header === undefined) return false;
  const name = (header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.replace(/:\d*$/, '')).toLowerCase();
  return isLoopbackHost(name) || name.endsWith('.localhost') || name === hostname().toLowerCase();
}
