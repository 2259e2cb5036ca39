import { ALL_SCOPES } from '../../shared/auth/scopes.js';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../../shared/auth/api-key-store.js';
import { apiKeyHook } from '../../shared/http/api-key-hook.js';
import { httpErrorHandler } from '../../shared/http/error-handler.js';
import { registerIdempotency } from '../../shared/http/idempotency-hook.js';
import { silentLogger } from '../../shared/log/logger.js';
import { createMetricsRegistry } from '../../shared/ops/metrics.js';
import { createRedis } from '../../shared/redis/create-redis.js';
import { redisConnection } from '../../shared/redis/redis-connection.js';
import { freePort } from '../support/free-port.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { testSettings } from '../support/settings.js';
import { uniqueName } from '../support/unique-name.js';

/**
 * The shared Idempotency-Key hook against real MySQL (API keys) and Redis, on a small app whose
 * handlers count how often they really ran: the count is what a retried POST must not change.
 */
let database: TestDatabase;
let redis: Redis;
let keys: ApiKeyStore;
const prefix = uniqueName('idem');
let runs = 0;

async function app(options: { redis?: Redis; ttlMs?: number } = {}): Promise<FastifyInstance> {
  const instance = Fastify({ logger: false });
  instance.setErrorHandler(httpErrorHandler(silentLogger));
  instance.addHook('onRequest', apiKeyHook({ apiKeys: keys, limiter: undefined, limits: { perKey: { name: 'key', max: 1, windowMs: 1 }, authFailuresPerAddress: { name: 'a', max: 1, windowMs: 1 } } }));
  registerIdempotency(instance, { redis: options.redis ?? redis, prefix, service: 'test', registry: createMetricsRegistry('idem-test', { processMetrics: false }), logger: silentLogger, ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }) });
  instance.post<{ Querystring: { delay?: string } }>('/work', async (request, reply) => {
    runs += 1;
    const run = runs;
    if (request.query.delay !== undefined) await sleep(Number(request.query.delay));
    return reply.code(201).send({ run, body: request.body ?? null });
  });
  instance.post('/fail', async () => {
    runs += 1;
    throw new Error('boom');
  });
  instance.get('/work', async () => ({ runs }));
  await instance.ready();
  return instance;
}

let api: FastifyInstance;
let token: string;
beforeAll(async () => {
  database = await createTestDatabase();
  keys = new ApiKeyStore(database.db);
  redis = createRedis(redisConnection(testSettings), { maxRetriesPerRequest: 1 });
  api = await app();
  token = (await keys.create(uniqueName('acct'), 'idem', ALL_SCOPES)).token;
});
afterAll(async () => {
  await api?.close();
  const left = (await redis?.keys(`${prefix}:*`)) ?? [];
  if (left.length > 0) await redis.unlink(...left);
  redis?.disconnect();
  await database?.drop();
});

async function post(instance: FastifyInstance, path: string, body: unknown, key: string | undefined, as: string = token) {
  const answer = await instance.inject({
    method: 'POST',
    url: path,
    headers: { authorization: `Bearer ${as}`, 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: JSON.stringify(body),
  });
  return { status: answer.statusCode, body: answer.body === '' ? undefined : JSON.parse(answer.body), headers: answer.headers };
}

describe('Idempotency-Key', () => {
  it('answers a retry with the first answer without running the work again', async () => {
    const before = runs;
    const first = await post(api, '/work', { amount: 1 }, 'k-same');
    const again = await post(api, '/work', { amount: 1 }, 'k-same');
    expect(first.status).toBe(201);
    expect(again).toMatchObject({ status: 201, body: first.body });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toContain('application/json');
    expect(runs - before).toBe(1);
    // Without a key every POST runs.
    await post(api, '/work', { amount: 1 }, undefined);
    await post(api, '/work', { amount: 1 }, undefined);
    expect(runs - before).toBe(3);
  });

  it('refuses the same key for another body, path or query with 422 IDEMPOTENCY_KEY_REUSED', async () => {
    expect((await post(api, '/work', { amount: 1 }, 'k-reuse')).status).toBe(201);
    for (const [path, body] of [['/work', { amount: 2 }], ['/work?delay=0', { amount: 1 }], ['/fail', { amount: 1 }]] as const) {
      const answer = await post(api, path, body, 'k-reuse');
      expect(answer.status).toBe(422);
      expect(answer.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'Idempotency-Key' });
    }
  });

  it('scopes keys per account and per API key', async () => {
    const before = runs;
    const otherKeySameAccount = (await keys.create((await keys.authenticate(token))!.accountId, 'second', ALL_SCOPES)).token;
    const otherAccount = (await keys.create(uniqueName('acct'), 'idem', ALL_SCOPES)).token;
    for (const as of [token, otherKeySameAccount, otherAccount]) expect((await post(api, '/work', { amount: 1 }, 'k-scope', as)).status).toBe(201);
    expect(runs - before).toBe(3);
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_PROGRESS to a concurrent request, then the first answer once it is done', async () => {
    const before = runs;
    const slow = post(api, '/work?delay=600', { amount: 5 }, 'k-race');
    await sleep(150);
    const concurrent = await post(api, '/work?delay=600', { amount: 5 }, 'k-race');
    expect(concurrent.status).toBe(409);
    expect(concurrent.body.error.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
    expect(concurrent.headers['retry-after']).toBe('1');
    const first = await slow;
    expect((await post(api, '/work?delay=600', { amount: 5 }, 'k-race')).body).toEqual(first.body);
    expect(runs - before).toBe(1);
    // Many at once: exactly one runs.
    const burst = await Promise.all(Array.from({ length: 8 }, () => post(api, '/work?delay=200', { amount: 6 }, 'k-burst')));
    expect(runs - before).toBe(2);
    expect(burst.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(burst.filter((answer) => answer.status === 409)).toHaveLength(7);
  });

  it('does not keep answers >= 500: a retry does the work', async () => {
    const before = runs;
    expect((await post(api, '/fail', {}, 'k-fail')).status).toBe(500);
    expect((await post(api, '/fail', {}, 'k-fail')).status).toBe(500);
    expect(runs - before).toBe(2);
  });

  it('keeps each key for its TTL in Redis only (24 h by default), then forgets it', async () => {
    const found = await redis.keys(`${prefix}:idempotency:*`);
    expect(found.length).toBeGreaterThan(0);
    for (const key of found) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(86_400_000);
    }
    const shortLived = await app({ ttlMs: 300 });
    try {
      const before = runs;
      await post(shortLived, '/work', { n: 1 }, 'k-ttl');
      await post(shortLived, '/work', { n: 1 }, 'k-ttl');
      expect(runs - before).toBe(1);
      await sleep(450);
      await post(shortLived, '/work', { n: 1 }, 'k-ttl');
      expect(runs - before).toBe(2);
    } finally {
      await shortLived.close();
    }
  });

  it('validates the key: 1 to 255 printable characters, 400 naming the header', async () => {
    expect((await post(api, '/work', {}, 'x'.repeat(255))).status).toBe(201);
    for (const bad of ['x'.repeat(256), 'a\tb']) {
      const answer = await post(api, '/work', {}, bad);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'Idempotency-Key' });
    }
  });

  it('refuses (503, retryable) rather than running unguarded when Redis does not answer', async () => {
    // Nothing listens on this port: every command fails after its retries.
    const dead = new Redis({ host: '127.0.0.1', port: await freePort(), maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    dead.on('error', () => undefined);
    const instance = await app({ redis: dead });
    try {
      const before = runs;
      const answer = await post(instance, '/work', {}, 'k-dead');
      expect(answer.status).toBe(503);
      expect(answer.body.error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
      expect(runs).toBe(before);
    } finally {
      await instance.close();
      dead.disconnect();
    }
  });
});
