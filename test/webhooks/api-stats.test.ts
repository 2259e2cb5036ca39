import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log/logger.js';
import { DeliveryQueue, deliveryJobId } from '../../shared/webhooks/delivery-queue.js';
import { RetrySchedule } from '../../shared/webhooks/retry-schedule.js';
import { bucketOf, LATENCY_BOUNDS_MS, quantileBound } from '../../services/webhook-api/src/stats/latency-buckets.js';
import { uniqueName } from '../support/unique-name.js';
import { startApi, type ApiClient } from './support/api-client.js';
import { WebhookFixture } from './support/webhook-fixture.js';

// GET /v1/endpoints/:id/stats against MySQL and Redis: its figures must equal a count made from
// the attempt log itself, before the hourly rollup ran, after it, and with attempts added since.

let fixture: WebhookFixture;
let api: Awaited<ReturnType<typeof startApi>>;

beforeAll(async () => {
  fixture = await WebhookFixture.create();
  api = await startApi(fixture, { WEBHOOK_STATS_ROLLUP_INTERVAL_MS: '500' });
});

afterAll(async () => {
  await api?.stop();
  await fixture?.cleanup();
});

async function customerWithEndpoint(): Promise<{ customer: ApiClient; id: string }> {
  const customer = await api.customer(uniqueName('acct'));
  const created = await customer.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/authlog' });
  expect(created.status).toBe(201);
  return { customer, id: created.body.id };
}

let sequence = 0;
async function seed(endpointId: string, accountId: string, attempts: readonly { hoursAgo: number; outcome: 'success' | 'failure'; latencyMs: number }[]): Promise<void> {
  await fixture.db
    .insertInto('webhook_attempts')
    .values(
      attempts.map((attempt) => ({
        endpoint_id: endpointId,
        account_id: accountId,
        message_id: `evt-${(sequence += 1)}`,
        attempt: 1,
        trigger_type: 'event',
        attempted_at: new Date(Date.now() - attempt.hoursAgo * 3_600_000),
        outcome: attempt.outcome,
        status_code: attempt.outcome === 'success' ? 200 : 500,
        latency_ms: attempt.latencyMs,
        error_code: null,
        error: null,
        response_excerpt: null,
      })),
    )
    .execute();
}

/** The same figures counted from the attempt log itself. */
async function groundTruth(endpointId: string, accountId: string, since: string) {
  const rows = await fixture.db
    .selectFrom('webhook_attempts')
    .select(['outcome', 'latency_ms'])
    .where('endpoint_id', '=', endpointId)
    .where('account_id', '=', accountId)
    .where('attempted_at', '>=', new Date(since))
    .execute();
  const buckets = LATENCY_BOUNDS_MS.map(() => 0);
  for (const row of rows) buckets[bucketOf(row.latency_ms)]! += 1;
  return {
    since,
    delivered: rows.filter((row) => row.outcome === 'success').length,
    failed: rows.filter((row) => row.outcome === 'failure').length,
    latency_p50_ms: quantileBound(buckets, 0.5),
    latency_p95_ms: quantileBound(buckets, 0.95),
  };
}

async function expectGroundTruth(customer: ApiClient, id: string) {
  const stats = await customer.call('GET', `/v1/endpoints/${id}/stats`);
  expect(stats.status).toBe(200);
  expect(stats.body.last_24h).toEqual(await groundTruth(id, customer.accountId, stats.body.last_24h.since));
  expect(stats.body.last_28d).toEqual(await groundTruth(id, customer.accountId, stats.body.last_28d.since));
  return stats.body;
}

async function rolledUpTo(): Promise<number> {
  const row = await sql<{ watermark: number }>`SELECT watermark FROM webhook_rollup_state WHERE name = 'attempt_hours'`.execute(fixture.db);
  return Number(row.rows[0]?.watermark ?? 0);
}

describe('GET /v1/endpoints/:id/stats', () => {
  it('equals a count of the attempt log before the rollup, after it, and with attempts added since', async () => {
    const { customer, id } = await customerWithEndpoint();
    const other = await customerWithEndpoint();
    const spread = [0.1, 0.5, 2, 5, 23.5, 30, 24 * 10, 24 * 27.5, 24 * 40];
    const attempts = spread.flatMap((hoursAgo, index) => [
      { hoursAgo, outcome: 'success' as const, latencyMs: 20 + index * 90 },
      { hoursAgo, outcome: 'success' as const, latencyMs: 60 + index * 400 },
      { hoursAgo, outcome: index % 2 === 0 ? ('failure' as const) : ('success' as const), latencyMs: 15_000 },
    ]);
    await seed(id, customer.accountId, attempts);
    await seed(other.id, other.customer.accountId, attempts.slice(0, 5));
    const fresh = await expectGroundTruth(customer, id);
    expect(fresh.last_28d.delivered + fresh.last_28d.failed).toBeGreaterThan(fresh.last_24h.delivered + fresh.last_24h.failed);

    // The rollup folds them into hours (it takes two runs to reach what existed at the first).
    const [maxId] = (await fixture.db.selectFrom('webhook_attempts').select((eb) => eb.fn.max('id').as('id')).execute()).map((row) => Number(row.id));
    await expect.poll(rolledUpTo, { timeout: 10_000 }).toBeGreaterThanOrEqual(maxId!);
    const hours = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM webhook_attempt_hours WHERE endpoint_id = ${id}`.execute(fixture.db);
    expect(Number(hours.rows[0]!.n)).toBeGreaterThan(0);
    await expectGroundTruth(customer, id);

    // New attempts after the watermark: read live until the next fold, exact either way.
    await seed(id, customer.accountId, [
      { hoursAgo: 0, outcome: 'failure', latencyMs: 300 },
      { hoursAgo: 0, outcome: 'failure', latencyMs: 300 },
      { hoursAgo: 0, outcome: 'failure', latencyMs: 300 },
    ]);
    const latest = await expectGroundTruth(customer, id);
    // The streak follows the log's order: the last seeded row before these failed too.
    const log = await fixture.db.selectFrom('webhook_attempts').select('outcome').where('endpoint_id', '=', id).orderBy('id', 'desc').execute();
    const streak = log.findIndex((row) => row.outcome === 'success');
    expect(streak).toBe(4);
    expect(latest.failing_streak).toEqual({ attempts: streak, at_least: false, failing_since: null });
  });

  it('counts the endpoint\'s jobs waiting and delayed in BullMQ, not another endpoint\'s', async () => {
    const { customer, id } = await customerWithEndpoint();
    const redis = new Redis(fixture.redisUrl, { maxRetriesPerRequest: null });
    const queue = new DeliveryQueue(redis, { name: 'webhook-deliveries', prefix: fixture.prefix }, RetrySchedule.parse('0,100ms'), silentLogger);
    try {
      const job = (messageId: string, endpointId: string, delayMs?: number, suffix?: string) => ({
        jobId: deliveryJobId(messageId, endpointId, suffix),
        ...(delayMs === undefined ? {} : { delayMs }),
        data: { messageId, endpointId, accountId: customer.accountId, type: 'authlog.test', body: '{}', trigger: 'event' as const, tracked: false, createdAt: Date.now() },
      });
      await queue.enqueue([job('m1', id, 600_000), job('m2', id, 600_000, 'recover-1'), job('m3', id), job('m4', 'ep_someone_else', 600_000), job('m5', 'ep_someone_else')]);
      const stats = await customer.call('GET', `/v1/endpoints/${id}/stats`);
      expect(stats.body.queue).toEqual({ waiting: 1, delayed: 2, exact: true });
      await queue.queue.obliterate({ force: true });
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  it("answers another account's endpoint 404 like an unknown one", async () => {
    const { id } = await customerWithEndpoint();
    const other = await api.customer(uniqueName('acct'));
    const foreign = await other.call('GET', `/v1/endpoints/${id}/stats`);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual((await other.call('GET', '/v1/endpoints/ep_unknown/stats')).body);
  });
});
