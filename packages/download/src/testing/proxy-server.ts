// Test-only forward proxy on 127.0.0.1: CONNECT tunnels (for https) and absolute-form requests (for http). Not exported.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

/** One request the proxy handled: `CONNECT` with its `host:port` authority, or `GET` with the target's `host:port`. */
export interface ProxiedRequest {
  method: string;
  host: string;
}

/** A minimal HTTP proxy that records what it forwarded. */
export class ProxyServer {
  readonly requests: ProxiedRequest[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ProxyServer> {
    const server = createServer();
    const proxy = new ProxyServer(server);
    server.on('request', (request, response) => {
      // Absolute-form request target (RFC 9112 §3.2.2): forward it and stream the answer back.
      const target = new URL(request.url ?? '');
      proxy.requests.push({ method: request.method ?? '', host: target.host });
      const upstream = httpRequest(target, { method: request.method, headers: { ...request.headers, host: target.host } }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    });
    server.on('connect', (request, client, head) => {
      // CONNECT host:port (RFC 9110 §9.3.6): a blind tunnel, so TLS runs end to end.
      const authority = request.url ?? '';
      proxy.requests.push({ method: 'CONNECT', host: authority });
      const { hostname, port } = new URL(`http://${authority}`);
      const upstream = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) }, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
