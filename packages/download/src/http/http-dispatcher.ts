import { rootCertificates } from 'node:tls';
import type { Dispatcher } from 'undici';

/** Connection settings shared by the requests of one {@link createHttpDispatcher}. */
export interface HttpDispatcherOptions {
  /** Extra trusted CA certificates (PEM), added to Node's bundled ones (origin and HTTPS proxy). */
  ca: string | Buffer | undefined;
}

/**
 * An undici dispatcher that honours `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (and their lower-case
 * forms, which win) as read when it is created, and speaks HTTP/2 where the server offers it via ALPN
 * (HTTP/1.1 otherwise). `ca` is trusted for the origin (directly or tunnelled through CONNECT) and for
 * an `https:` proxy. The caller owns it: `destroy()` it when its responses are consumed.
 *
 * undici is loaded on the first call: it takes a few hundred ms to load, which a process that only
 * verifies a file already on disk (or waits for another process's download) should not pay.
 */
export async function createHttpDispatcher(options: HttpDispatcherOptions): Promise<Dispatcher> {
  const { EnvHttpProxyAgent } = await import('undici');
  const tls = options.ca ? { ca: [...rootCertificates, options.ca.toString()] } : {};
  return new EnvHttpProxyAgent({
    allowH2: true,
    // http: URLs go to an http: proxy as absolute-form requests (RFC 9112 §3.2.2), as curl does and every
    // proxy accepts; https: ones always tunnel with CONNECT, so TLS stays end to end.
    proxyTunnel: false,
    connect: tls, // direct connections (no proxy, or a host in NO_PROXY)
    requestTls: tls, // the origin, through a proxy's CONNECT tunnel
    proxyTls: tls, // an https: proxy itself
  });
}
