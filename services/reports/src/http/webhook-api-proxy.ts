import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { request as undiciRequest, type Dispatcher } from 'undici';
import { HttpProblem } from '../../../../shared/http/http-problem.js';

export interface WebhookApiProxyOptions {
  /** The webhook API's base URL (REPORTS_WEBHOOK_API_URL). */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** Shared with tests; the proxy's own keep-alive pool otherwise. */
  readonly dispatcher?: Dispatcher;
}

export const WEBHOOK_API_PREFIX = '/webhook-api';
/** What the panel's calls need and nothing more: no cookies, no other headers (X-Forwarded-For is set, not passed on). */
const FORWARDED_REQUEST_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'accept'] as const;
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'retry-after', 'www-authenticate', 'idempotent-replayed'] as const;

/**
 * The Admin Panel's webhook pages call the webhook API through this service, so the page stays on
 * one origin (CSP `connect-src 'self'`) and one sign-in: `/webhook-api/v1/...` goes to the webhook
 * API's `/v1/...` with the caller's own key, which that API checks (scope, account, rate limits,
 * Idempotency-Key). The whole exchange happens in the route's onRequest hook, before this
 * service's body parsing, key check and idempotency (none of which are this service's to do for
 * another API); the body is read raw and bounded. The Authorization header is never logged.
 */
export function registerWebhookApiProxy(app: FastifyInstance, options: WebhookApiProxyOptions): void {
  const base = new URL(options.baseUrl);
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: `${WEBHOOK_API_PREFIX}/v1/*`,
    onRequest: async (request, reply) => forward(request, reply, base, options),
    // Never reached: onRequest always answers.
    handler: async () => {
      throw new HttpProblem(500, 'INTERNAL', 'proxy did not answer');
    },
  });
}

async function forward(request: FastifyRequest, reply: FastifyReply, base: URL, options: WebhookApiProxyOptions): Promise<FastifyReply> {
  // The base's own path is kept (an API behind a path prefix); `..` cannot climb out of its /v1/.
  const root = base.pathname.replace(/\/$/, '');
  const target = new URL(`${root}${request.url.slice(WEBHOOK_API_PREFIX.length)}`, base.origin);
  if (!target.pathname.startsWith(`${root}/v1/`)) throw new HttpProblem(404, 'NOT_FOUND', 'no such route');
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  // The client's address, for the webhook API's per-address limit of refused keys (believed there
  // only from addresses in its WEBHOOK_API_TRUSTED_PROXIES).
  headers['x-forwarded-for'] = request.ip;
  const body = request.method === 'GET' || request.method === 'DELETE' ? undefined : await readBounded(request.raw, options.maxBodyBytes);
  let answer: Dispatcher.ResponseData;
  try {
    answer = await undiciRequest(target, {
      method: request.method as Dispatcher.HttpMethod,
      headers,
      ...(body === undefined ? {} : { body }),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs),
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    });
  } catch (error) {
    // Only the method and path are named: the cause is undici's (no request headers in it).
    throw new HttpProblem(502, 'WEBHOOK_API_UNAVAILABLE', `the webhook API did not answer ${request.method} ${target.pathname}; try again shortly`, { cause: error, headers: { 'retry-after': '5' } });
  }
  reply.code(answer.statusCode);
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = answer.headers[name];
    if (typeof value === 'string') reply.header(name, value);
  }
  reply.header('cache-control', 'no-store');
  return reply.send(answer.body);
}

/** The request body, refused with 413 past `max` bytes (Content-Length first, then as it streams). */
async function readBounded(raw: IncomingMessage, max: number): Promise<Buffer> {
  const tooLarge = () => new HttpProblem(413, 'BODY_TOO_LARGE', `the body exceeds ${max} bytes`);
  if (Number(raw.headers['content-length'] ?? 0) > max) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
