import cors from '@fastify/cors';
import { defaultModelPath } from '@gpt4all/download';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { setMaxListeners } from 'node:events';
import { ApiError } from './api-error.js';
import { apiKeyCheck } from './api-key-check.js';
import { AppEventBus } from './app-api/app-event-bus.js';
import { AppModelList } from './app-api/app-model-list.js';
import { DownloadManager } from './app-api/download-manager.js';
import { ServerCatalog } from './app-api/server-catalog.js';
import { isLocalHostHeader, isLoopbackHost } from './loopback-host.js';
import { ModelRegistry } from './model-registry.js';
import { appCatalogRoute } from './routes/app-catalog.js';
import { appDownloadsRoute } from './routes/app-downloads.js';
import { appEventsRoute } from './routes/app-events.js';
import { appInfoRoute } from './routes/app-info.js';
import { appModelsRoute } from './routes/app-models.js';
import { chatCompletionsRoute } from './routes/chat-completions.js';
import { completionsRoute } from './routes/completions.js';
import { embeddingsRoute } from './routes/embeddings.js';
import { healthRoute } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';
import { modelsRoute } from './routes/models.js';
import { unixSeconds } from './response-id.js';
import { resolveServeOptions, type ServeOptions } from './serve-options.js';
import type { ServerContext } from './server-context.js';
import { ServerMetrics } from './server-metrics.js';
import { toApiError } from './to-api-error.js';
import { registerWebApp } from './web-app.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** When the request arrived (`performance.now()`, ms). */
    receivedAt: number;
  }
}

/** The fastify app {@link createServer} makes, with the ids of the models it serves. */
export type ServerApp = FastifyInstance & { readonly gpt4all: { readonly models: readonly string[] } };

/**
 * Loads the models (unless `loadOnFirstRequest`) and builds the server's fastify app without
 * listening: `startServer` listens on it, and tests can `inject()` requests into it. Its
 * `close()` lets requests in flight finish (aborting generations still running after the grace
 * period) and disposes the models.
 * @throws {Gpt4AllError} `ERR_INVALID_ARGUMENT` for invalid options, or a model's load error.
 */
export async function createServer(options: ServeOptions): Promise<ServerApp> {
  const resolved = resolveServeOptions(options);
  const metrics = new ServerMetrics();
  const events = new AppEventBus();
  const modelsDir = defaultModelPath({ modelPath: resolved.modelsDir });
  const registry = await ModelRegistry.open(resolved.models, {
    loadOptions: {
      modelPath: modelsDir,
      catalog: resolved.catalogUrl,
      threads: resolved.threads,
      parallel: resolved.parallel,
      contextSize: resolved.contextSize,
      ...(resolved.rpcWorkers && { rpcWorkers: resolved.rpcWorkers, rpcSplit: resolved.rpcSplit }),
    },
    lazy: resolved.loadOnFirstRequest,
    parallel: resolved.parallel,
    maxQueue: resolved.maxQueue,
    modelsDir,
    maxLoaded: resolved.maxLoadedModels,
    onAdmission: (id, state) => metrics.admission(id, state),
    onLoad: (id, report) => events.emit({ type: 'model-load', id, ...report }),
  });
  try {
    for (const served of registry.models) metrics.admission(served.id, { running: 0, waiting: 0 });
    const shutdown = new AbortController();
    // Every request in flight listens to it: many listeners are its purpose, not a leak.
    setMaxListeners(0, shutdown.signal);
    const catalog = new ServerCatalog(resolved.catalogUrl, modelsDir);
    const context: ServerContext = {
      options: resolved,
      registry,
      metrics,
      shutdown: shutdown.signal,
      modelsDir,
      events,
      catalog,
      downloads: new DownloadManager({ modelsDir, catalog, events }),
      appModels: new AppModelList(registry, catalog, modelsDir),
    };
    const app = Fastify({
      logger: false,
      bodyLimit: resolved.bodyLimit,
      // A closing server answers new requests itself, in OpenAI's error shape.
      return503OnClosing: false,
      forceCloseConnections: 'idle',
      // A `__proto__` or `constructor.prototype` key (prototype poisoning) is dropped, not answered
      // with "not valid JSON" for a body that is: none of this API's fields has such a name.
      onProtoPoisoning: 'remove',
      onConstructorPoisoning: 'remove',
      // Types as sent: a string where a number belongs is an error, not converted.
      ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
    }) as unknown as ServerApp;
    let closing = false;
    Object.defineProperty(app, 'gpt4all', { value: Object.freeze({ models: Object.freeze(registry.models.map((m) => m.id)) }) });
    // Every response is counted once its connection is done with it: 'close' also comes when
    // the client leaves early (which fastify's onResponse never hears of).
    let inFlight = 0;
    app.decorateRequest('receivedAt', 0);
    app.addHook('onRequest', async (request, reply) => {
      request.receivedAt = performance.now();
      inFlight++;
      reply.raw.once('close', () => {
        inFlight--;
        // A response the client did not wait for counts as 499 (nginx's "client closed request").
        const status = reply.raw.writableFinished ? reply.statusCode : 499;
        const ms = performance.now() - request.receivedAt;
        metrics.request(request.routeOptions.url ?? 'unmatched', request.method, status, ms / 1000);
        resolved.log(`${request.method} ${request.url} ${status} ${ms.toFixed(0)} ms`);
        if (closing) setImmediate(dropConnectionsWhenDone);
      });
    });
    // Once closing and every request is answered, kept-alive connections are closed rather than
    // left to the client (or to the keep-alive timeout) before close() can finish.
    const dropConnectionsWhenDone = () => {
      if (inFlight === 0) app.server.closeAllConnections();
    };
    // Only JSON: a text/plain POST is a "simple" cross-origin request that browsers send without
    // asking first, so accepting one would let any web page start generations here.
    app.removeContentTypeParser('text/plain');
    if (resolved.cors) {
      await app.register(cors, {
        origin: resolved.cors.includes('*') ? '*' : resolved.cors,
        methods: ['GET', 'POST'],
        // The headers a preflight asks for are allowed (no fixed list): OpenAI's SDKs send their
        // own (`X-Stainless-*`) with every request.
        maxAge: 600,
      });
    }

    const checkKey = resolved.apiKey === undefined ? undefined : apiKeyCheck(resolved.apiKey);
    const loopback = isLoopbackHost(resolved.host);
    app.addHook('onRequest', async (request) => {
      if (closing) throw new ApiError('The server is shutting down.', { status: 503, code: 'server_shutting_down' });
      if (loopback && !isLocalHostHeader(request.headers.host)) {
        throw new ApiError('This server only answers requests addressed to this machine (Host: localhost or 127.0.0.1).', { status: 403, code: 'host_not_allowed' });
      }
      if (checkKey && isKeyedRequest(request) && !checkKey(request.headers.authorization)) {
        const message = request.headers.authorization ? 'Incorrect API key provided.' : 'Missing API key: send it as `Authorization: Bearer <key>`.';
        throw new ApiError(message, { status: 401, code: 'invalid_api_key', headers: { 'www-authenticate': 'Bearer' } });
      }
    });
    app.setErrorHandler(async (error, request, reply) => {
      const clientGone = request.raw.destroyed || request.raw.socket?.destroyed === true;
      const apiError = toApiError(error, resolved.log, { clientGone });
      return reply.code(apiError.status).headers(apiError.headers).send(apiError.toBody());
    });
    const notFound = async (request: FastifyRequest, reply: FastifyReply) => {
      const apiError = new ApiError(`There is no route ${request.method} ${request.url.split('?')[0]}.`, { status: 404, code: 'not_found' });
      return reply.code(404).send(apiError.toBody());
    };
    if (resolved.webAppDir) await registerWebApp(app, resolved.webAppDir, notFound);
    else app.setNotFoundHandler(notFound);
    chatCompletionsRoute(app, context);
    completionsRoute(app, context);
    embeddingsRoute(app, context);
    modelsRoute(app, context, unixSeconds());
    healthRoute(app, context);
    metricsRoute(app, context);
    appInfoRoute(app, context);
    appModelsRoute(app, context);
    appCatalogRoute(app, context);
    appDownloadsRoute(app, context);
    appEventsRoute(app, context);

    let grace: NodeJS.Timeout | undefined;
    app.addHook('preClose', async () => {
      closing = true;
      grace = setTimeout(() => shutdown.abort(), resolved.closeGraceMs);
      grace.unref();
      // After fastify has stopped the listener (it does right after this hook).
      setImmediate(dropConnectionsWhenDone);
    });
    app.addHook('onClose', async () => {
      clearTimeout(grace);
      shutdown.abort();
      await context.downloads.close();
      await registry.dispose();
    });
    return app;
  } catch (error) {
    await registry.dispose();
    throw error;
  }
}

/**
 * Whether a request needs the API key, when the server has one: the OpenAI API and the web app's
 * (`/v1`, `/api`). Judged by the route that will answer it, and by its path once percent-decoded
 * as the router decodes it (`/%61pi/info` is `/api/info`); a path that does not decode needs the key.
 */
function isKeyedRequest(request: FastifyRequest): boolean {
  const keyed = (path: string) => ['/v1', '/api'].some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
  if (request.routeOptions.url !== undefined && keyed(request.routeOptions.url)) return true;
  try {
    return keyed(decodeURIComponent(request.url.split('?')[0]!));
  } catch {
    return true;
  }
}
