import type { AddressInfo } from 'node:net';
import { createServer } from './create-server.js';
import { isLoopbackHost, urlHost } from './loopback-host.js';
import { resolveServeOptions, type RunningServer, type ServeOptions } from './serve-options.js';

/**
 * Starts an OpenAI-compatible HTTP server for local models: `GET /v1/models`,
 * `POST /v1/chat/completions`, `POST /v1/completions`, `POST /v1/embeddings`, `GET /health`,
 * `GET /metrics`. It binds 127.0.0.1:4891 unless told otherwise; binding another host without
 * an `apiKey` logs a warning.
 *
 * @example
 * ```ts
 * const server = await startServer({ models: ['Llama 3.2 1B Instruct'] });
 * // OpenAI clients: new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused' })
 * process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
 * ```
 * @throws {Gpt4AllError} `ERR_INVALID_ARGUMENT` for invalid options; a model's load error
 *   (`ERR_MODEL_NOT_FOUND`, ...); Node's listen error (`EADDRINUSE`) when the port is taken.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const resolved = resolveServeOptions(options);
  if (!isLoopbackHost(resolved.host) && resolved.apiKey === undefined) {
    resolved.log(
      `warning: listening on ${resolved.host} without an API key: anyone who can reach this machine can use the models. Set apiKey (clients send Authorization: Bearer <key>), or bind 127.0.0.1.`,
    );
  }
  const app = await createServer(options);
  try {
    await app.listen({ host: resolved.host, port: resolved.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost(resolved.host)}:${port}`,
    host: resolved.host,
    port,
    models: [...app.gpt4all.models],
    close: () => (closed ??= app.close().then(() => undefined)),
  };
}
