import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/unique-name.js';
import { startApi } from './support/api-client.js';
import { WebhookFixture } from './support/webhook-fixture.js';

/**
 * Issue 16, Idempotency-Key on the webhook API's POSTs, against the real service, MySQL and Redis:
 * a retried create makes one endpoint and answers it again without its secret (never kept in Redis);
 * a retried test sends one message.
 */
let fixture: WebhookFixture;
let api: Awaited<ReturnType<typeof startApi>>;
const redisPrefix = uniqueName('idem');
beforeAll(async () => {
  fixture = await WebhookFixture.create();
  api = await startApi(fixture, { WEBHOOK_REDIS_PREFIX: redisPrefix }, async () => ['93.184.216.34']);
});

/** Every value Redis holds under the API's prefix, as text. */
async function storedText(): Promise<string> {
  const redis = new Redis(fixture.redisUrl, { lazyConnect: true });
  try {
    await redis.connect();
    const keys = await redis.keys(`${redisPrefix}*`);
    const values = await Promise.all(keys.map(async (key) => ((await redis.type(key)) === 'string' ? await redis.get(key) : JSON.stringify(await redis.hgetall(key)))));
    return values.join('\n');
  } finally {
    redis.disconnect();
  }
}
afterAll(async () => {
  await api?.stop();
  await fixture?.cleanup();
});

describe('Idempotency-Key on the webhook API', () => {
  it('a retried create answers the first endpoint, without its secret, and creates nothing more', async () => {
    const customer = await api.customer(uniqueName('create'));
    const headers = { 'idempotency-key': 'create-1' };
    const first = await customer.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/idem' }, headers);
    const retry = await customer.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/idem' }, headers);
    expect(first.status).toBe(201);
    expect(first.body.secret).toMatch(/^whsec_/);
    expect(retry).toEqual({ ...first, body: { ...first.body, secret: null } });
    expect(await fixture.endpoints.count(customer.accountId)).toBe(1);
    // The secret is read where it always is, and was never written to Redis with the kept answer.
    expect((await customer.call('GET', `/v1/endpoints/${first.body.id}/secret`)).body.secret).toBe(first.body.secret);
    const rotated = await customer.call('POST', `/v1/endpoints/${first.body.id}/secret/rotate`, {}, { 'idempotency-key': 'rotate-1' });
    const rotateRetry = await customer.call('POST', `/v1/endpoints/${first.body.id}/secret/rotate`, {}, { 'idempotency-key': 'rotate-1' });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotateRetry).toEqual({ ...rotated, body: { ...rotated.body, secret: null } });
    const stored = await storedText();
    expect(stored).toContain(first.body.id);
    expect(stored).not.toContain('whsec_');

    const reused = await customer.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/other' }, headers);
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await fixture.endpoints.count(customer.accountId)).toBe(1);

    // The same key is another account's own.
    const other = await api.customer(uniqueName('other'));
    expect((await other.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/idem' }, headers)).status).toBe(201);
  });

  it('concurrent creates with one key make one endpoint; the others are 409 IDEMPOTENCY_KEY_IN_PROGRESS or the same answer', async () => {
    const customer = await api.customer(uniqueName('race'));
    const answers = await Promise.all(Array.from({ length: 6 }, () => customer.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/race' }, { 'idempotency-key': 'race' })));
    expect(await fixture.endpoints.count(customer.accountId)).toBe(1);
    const created = answers.filter((answer) => answer.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((answer) => answer.body.id)).size).toBe(1);
    for (const answer of answers.filter((candidate) => candidate.status !== 201)) {
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
    }
  });

  it('a retried test event is sent once', async () => {
    const customer = await api.customer(uniqueName('test'));
    const id = (await customer.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/t' })).body.id as string;
    const headers = { 'idempotency-key': 'test-1' };
    const first = await customer.call('POST', `/v1/endpoints/${id}/test`, { event_type: 'authlog.authentication' }, headers);
    const retry = await customer.call('POST', `/v1/endpoints/${id}/test`, { event_type: 'authlog.authentication' }, headers);
    expect(first.status).toBe(202);
    expect(retry).toEqual(first);
    const rows = await fixture.db.selectFrom('webhook_messages').select('message_id').where('endpoint_id', '=', id).execute();
    expect(rows.map((row) => row.message_id)).toEqual([first.body.message_id]);
  });

  it('refuses a key longer than 255 characters, naming the header', async () => {
    const customer = await api.customer(uniqueName('long'));
    const answer = await customer.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/l' }, { 'idempotency-key': 'k'.repeat(256) });
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('Idempotency-Key');
    expect(await fixture.endpoints.count(customer.accountId)).toBe(0);
  });
});
