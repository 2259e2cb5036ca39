import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaticFile } from './static-files.js';

/**
 * The Admin Panel: plain ES modules and Chart.js's UMD build, no build step. The page holds no
 * secret; it asks for an API key and calls the same /v1 API as any customer script.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function registerPanelRoutes(app: FastifyInstance, files: Map<string, StaticFile>): void {
  app.get('/', (_request, reply) => reply.redirect('/panel/', 302));
  app.get('/panel/', (request, reply) => serve(request, reply, files.get('index.html'), 'no-cache'));
  app.get<{ Params: { file: string } }>('/panel/:file', (request, reply) => serve(request, reply, files.get(request.params.file), 'no-cache'));
  app.get('/vendor/chart.umd.min.js', (request, reply) => serve(request, reply, files.get('chart.umd.min.js'), 'public, max-age=86400'));
}

function serve(request: FastifyRequest, reply: FastifyReply, file: StaticFile | undefined, cacheControl: string) {
  if (file === undefined) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such file' } });
  reply
    .header('content-type', file.contentType)
    .header('etag', file.etag)
    .header('cache-control', cacheControl)
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', CSP);
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(file.gzipped);
  return reply.send(file.body);
}
