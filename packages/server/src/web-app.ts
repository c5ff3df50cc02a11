import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { relative, sep } from 'node:path';

/**
 * The page's Content-Security-Policy: everything comes from this server, and the page may only
 * talk to it (no request leaves the machine), nor be framed by another site.
 */
export const WEB_APP_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";

/** The paths that are the server's APIs, never the web app's: an unknown one is a JSON 404. */
const API_PREFIXES = ['/v1', '/api', '/health', '/metrics'];

/**
 * Serves a built single-page app from `dir` (`index.html` and hashed files under `assets/`) at
 * `/`: assets are cached for good (`immutable`: their names change with their content), every
 * other file is revalidated (`no-cache`, with an ETag); a GET of an unknown path that accepts
 * HTML is answered with `index.html` (the app routes it), and any other miss, or one under the
 * API prefixes, with `notFound` (the JSON 404). Every file carries {@link WEB_APP_CSP}.
 */
export async function registerWebApp(app: FastifyInstance, dir: string, notFound: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>): Promise<void> {
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    index: ['index.html'],
    cacheControl: false,
    etag: true,
    lastModified: true,
    // Hidden files (`.env`, `.git`) are no part of a built app.
    dotfiles: 'ignore',
    setHeaders: (reply, path) => {
      const asset = relative(dir, path).split(sep)[0] === 'assets';
      reply.header('cache-control', asset ? 'public, max-age=31536000, immutable' : 'no-cache');
      reply.header('content-security-policy', WEB_APP_CSP);
      reply.header('x-content-type-options', 'nosniff');
    },
  });
  // Not async: a handler that returns the reply it sends needs no promise around it.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const api = API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
    const page = (request.method === 'GET' || request.method === 'HEAD') && !api && !path.startsWith('/assets/') && (request.headers.accept ?? '').includes('text/html');
    if (!page) return notFound(request, reply);
    return reply.sendFile('index.html');
  });
}
