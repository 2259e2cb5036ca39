import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import { ValidationError } from '../errors/validation-error.js';
import type { Logger } from '../log/logger.js';
import { callerOf } from './api-key-hook.js';
import { HttpProblem } from './http-problem.js';
import { IdempotencyStore } from './idempotency-store.js';

export interface IdempotencyOptions {
  readonly redis: Redis;
  /** The service's Redis prefix (WEBHOOK_REDIS_PREFIX, REPORTS_REDIS_PREFIX). */
  readonly prefix: string;
  /** Metric names start with it (webhook_api, reports). */
  readonly service: string;
  readonly registry: Registry;
  readonly logger: Logger;
  /** How long an answer is given again: 24 h. */
  readonly ttlMs?: number;
  /** How long a request may hold its key before a retry may do the work again (a crashed instance). */
  readonly runningMs?: number;
  readonly timeoutMs?: number;
  /**
   * Routes (Fastify paths) whose successful answer holds a credential shown once (a new API key's
   * token): such an answer is never written to Redis; the key is freed and a retry does the work
   * again (a second key, which its owner can revoke) rather than a bearer token being kept 24 h.
   */
  readonly answersNotKept?: ReadonlySet<string>;
  /**
   * Routes whose successful JSON answer holds a credential the caller can read again elsewhere (an
   * endpoint's signing secret: GET .../secret): the answer is kept with these top-level fields set
   * to null, so a replay answers the same resource without a secret sitting 24 h in Redis.
   */
  readonly credentialFieldsNotKept?: ReadonlyMap<string, readonly string[]>;
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** Answers larger than this are not kept (a retry does the work again); POST answers are small. */
const MAX_STORED_BODY = 64 * 1024;
const PRINTABLE = /^[\x20-\x7e]+$/;

interface Owned {
  readonly key: string;
  readonly ticket: string;
  readonly fingerprint: string;
}

/**
 * `Idempotency-Key` on every POST (and PUT) of an API, as Stripe and the IETF draft define it: the same key
 * and the same request (method, path, query, body) within `ttlMs` answer the first answer (status
 * and body, with `Idempotent-Replayed: true`) without doing the work again; the same key with
 * another request is 422 IDEMPOTENCY_KEY_REUSED; while the first is still running, a second one
 * is 409 IDEMPOTENCY_KEY_IN_PROGRESS (Retry-After: 1), not held waiting. Keys are scoped per account
 * and API key. Answers >= 500 are not kept: the key is freed and a retry does the work. Without
 * Redis the request is refused (503 UNAVAILABLE), never done unguarded.
 * Runs on preHandler: after authentication, rate limits and body parsing.
 */
export function registerIdempotency(app: FastifyInstance, options: IdempotencyOptions): void {
  const store = new IdempotencyStore(options.redis, { ttlMs: options.ttlMs ?? 86_400_000, runningMs: options.runningMs ?? 120_000, timeoutMs: options.timeoutMs ?? 2_000 });
  const outcomes = new Counter({
    name: `${options.service.replaceAll('-', '_')}_idempotency_requests_total`,
    help: 'POST and PUT requests that carried an Idempotency-Key, by outcome (executed, replayed, reused, in_progress)',
    labelNames: ['outcome'],
    registers: [options.registry],
  });
  const owned = new WeakMap<FastifyRequest, Owned>();
  const unavailable = (cause: unknown) =>
    new HttpProblem(503, 'UNAVAILABLE', 'idempotency keys cannot be checked right now (Redis); retry with the same key', { cause, retryable: true, headers: { 'retry-after': '5' } });

  app.addHook('preHandler', async (request, reply) => {
    // PUT too: a PUT that creates answers a secret once, like a POST.
    if (request.method !== 'POST' && request.method !== 'PUT') return;
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (header === undefined) return;
    const value = Array.isArray(header) ? header.join(', ') : header;
    if (value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH || !PRINTABLE.test(value)) {
      throw new ValidationError([{ field: 'Idempotency-Key', expected: `1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters` }]);
    }
    const caller = callerOf(request);
    // The key is hashed: client input of any spelling makes a fixed-size Redis key.
    const key = `${options.prefix}:idempotency:${caller.accountId}:${caller.keyId}:${sha256(value)}`;
    const fingerprint = sha256(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`);
    const claim = await store.claim(key, fingerprint).catch((error: unknown) => {
      throw unavailable(error);
    });
    if (claim.kind === 'claimed') {
      owned.set(request, { key, ticket: claim.ticket, fingerprint });
      outcomes.inc({ outcome: 'executed' });
      return;
    }
    const fingerprintSeen = claim.kind === 'done' ? claim.answer.fingerprint : claim.fingerprint;
    if (fingerprintSeen !== fingerprint) {
      outcomes.inc({ outcome: 'reused' });
      throw new HttpProblem(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request (method, path or body) in the last 24 h; use a new key', { field: 'Idempotency-Key' });
    }
    if (claim.kind === 'running') {
      outcomes.inc({ outcome: 'in_progress' });
      throw new HttpProblem(409, 'IDEMPOTENCY_KEY_IN_PROGRESS', 'a request with this Idempotency-Key is still running; retry shortly for its answer', { field: 'Idempotency-Key', headers: { 'retry-after': '1' } });
    }
    outcomes.inc({ outcome: 'replayed' });
    const { answer } = claim;
    void reply.code(answer.status).header('idempotent-replayed', 'true');
    if (answer.contentType !== null) void reply.header('content-type', answer.contentType);
    return reply.send(answer.body === '' ? undefined : answer.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const mine = owned.get(request);
    if (mine === undefined) return payload;
    owned.delete(request);
    const body = payload === null || payload === undefined ? '' : typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    try {
      const holdsCredential = reply.statusCode < 300 && options.answersNotKept?.has(request.routeOptions.url ?? '') === true;
      if (reply.statusCode >= 500 || body === undefined || body.length > MAX_STORED_BODY || holdsCredential) {
        await store.release(mine.key, mine.ticket);
      } else {
        const contentType = reply.getHeader('content-type');
        const credentialFields = reply.statusCode < 300 ? options.credentialFieldsNotKept?.get(request.routeOptions.url ?? '') : undefined;
        const keptBody = credentialFields === undefined ? body : withoutFields(body, credentialFields);
        const kept = await store.complete(mine.key, mine.ticket, { fingerprint: mine.fingerprint, status: reply.statusCode, contentType: typeof contentType === 'string' ? contentType : null, body: keptBody });
        // The request outlived its claim (runningMs) and a retry may have done the work again: say so.
        if (!kept) options.logger.warn({ route: request.routeOptions.url }, 'request outlived its Idempotency-Key claim; its answer was not kept');
      }
    } catch (error) {
      // The work is done and answered; the key then expires after `runningMs` (a retry meanwhile gets 409).
      options.logger.warn({ err: error, route: request.routeOptions.url }, 'idempotency answer not stored (Redis)');
    }
    return payload;
  });
}

/** The JSON answer with `fields` set to null (they are read again elsewhere, never kept in Redis). */
function withoutFields(body: string, fields: readonly string[]): string {
  const answer = JSON.parse(body) as Record<string, unknown>;
  for (const field of fields) if (field in answer) answer[field] = null;
  return JSON.stringify(answer);
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
