import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWriter } from '../../shared/outbox/outbox-writer.js';
import { DeliveryQueue, deliveryJobId } from '../../shared/webhooks/delivery-queue.js';
import { RetrySchedule } from '../../shared/webhooks/retry-schedule.js';
import { Redis } from 'ioredis';
import { silentLogger } from '../../shared/log/logger.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { uniqueName } from '../support/unique-name.js';
import { startApi, type ApiClient } from './support/api-client.js';
import { Receiver, type Behaviour } from './support/receiver.js';
import { WebhookFixture } from './support/webhook-fixture.js';

// GET /v1/endpoints/:id/messages and the filters of POST .../recover, against MySQL, Redis (BullMQ)
// and the running dispatcher. Paging and status are checked on an attempt log written here (the
// same rows the dispatcher writes), recovery end to end through the dispatcher.

let fixture: WebhookFixture;
let api: Awaited<ReturnType<typeof startApi>>;
const receivers: Receiver[] = [];
const receiver = async (behaviour?: Behaviour) => {
  const started = await Receiver.start(behaviour);
  receivers.push(started);
  return started;
};

beforeAll(async () => {
  fixture = await WebhookFixture.create();
  await fixture.startDispatcher({ WEBHOOK_ENDPOINT_CACHE_MS: '200' });
  api = await startApi(fixture);
});

afterAll(async () => {
  await api?.stop();
  await fixture?.cleanup();
  for (const started of receivers) await started.close();
});

async function customerWithEndpoint(url = 'https://hooks.example.com/authlog'): Promise<{ customer: ApiClient; id: string }> {
  const customer = await api.customer(uniqueName('acct'));
  const created = await customer.call('POST', '/v1/endpoints', { url });
  expect(created.status).toBe(201);
  return { customer, id: created.body.id };
}

interface SeededAttempt {
  readonly messageId: string;
  readonly at: Date;
  readonly outcome?: 'success' | 'failure';
  readonly attempt?: number;
  readonly accountId?: string;
}

/** Attempt rows as the dispatcher's attempt log writes them. */
async function seedAttempts(endpointId: string, accountId: string, attempts: readonly SeededAttempt[]): Promise<void> {
  await fixture.db
    .insertInto('webhook_attempts')
    .values(
      attempts.map((seed) => ({
        endpoint_id: endpointId,
        account_id: seed.accountId ?? accountId,
        message_id: seed.messageId,
        attempt: seed.attempt ?? 1,
        trigger_type: 'event',
        attempted_at: seed.at,
        outcome: seed.outcome ?? 'success',
        status_code: (seed.outcome ?? 'success') === 'success' ? 200 : 500,
        latency_ms: 12,
        error_code: (seed.outcome ?? 'success') === 'success' ? null : 'http_status',
        error: (seed.outcome ?? 'success') === 'success' ? null : 'HTTP 500',
        response_excerpt: null,
      })),
    )
    .execute();
}

async function allPages(customer: ApiClient, path: string, between?: (page: number) => Promise<void>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let before: string | null = null;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await customer.call('GET', before === null ? path : `${path}${separator}before=${encodeURIComponent(before)}`);
    expect(answer.status).toBe(200);
    ids.push(...answer.body.data.map((message: { message_id: string }) => message.message_id));
    before = answer.body.next_before;
    pages += 1;
    await between?.(pages);
  } while (before !== null);
  return { ids, pages };
}

describe('GET /v1/endpoints/:id/messages', () => {
  it('pages newest first with an opaque cursor that new messages and new attempts do not disturb', async () => {
    const { customer, id } = await customerWithEndpoint();
    const base = Date.now() - 3_600_000;
    // 25 messages, two of them first seen in the same millisecond (the id breaks the tie).
    const seeded = Array.from({ length: 25 }, (_, index) => ({ messageId: `evt-${String(index).padStart(2, '0')}`, at: new Date(base + (index === 24 ? 23 : index) * 1_000) }));
    await seedAttempts(id, customer.accountId, seeded);
    const expected = [...seeded].sort((a, b) => b.at.getTime() - a.at.getTime() || (a.messageId < b.messageId ? 1 : -1)).map((seed) => seed.messageId);

    const { ids, pages } = await allPages(customer, `/v1/endpoints/${id}/messages?limit=10`, async (page) => {
      if (page !== 1) return;
      // Between pages: new messages, and retries of listed and unlisted ones.
      await seedAttempts(id, customer.accountId, [
        ...Array.from({ length: 5 }, (_, index) => ({ messageId: `new-${index}`, at: new Date() })),
        { messageId: 'evt-24', at: new Date(), attempt: 2, outcome: 'failure' as const },
        { messageId: 'evt-03', at: new Date(), attempt: 2, outcome: 'failure' as const },
      ]);
    });
    expect(ids).toEqual(expected);
    expect(pages).toBe(3);

    // A fresh walk sees the new ones first, each message once.
    const again = await allPages(customer, `/v1/endpoints/${id}/messages?limit=7`);
    expect(again.ids.slice(0, 5).sort()).toEqual(['new-0', 'new-1', 'new-2', 'new-3', 'new-4']);
    expect(again.ids.slice(5)).toEqual(expected);

    const bad = await customer.call('GET', `/v1/endpoints/${id}/messages?before=not-a-cursor`);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', field: 'before' } } });
    expect((await customer.call('GET', `/v1/endpoints/${id}/messages?limit=251`)).body.error.field).toBe('limit');
  });

  it('says each message status, attempts and type, and filters by status, event type and time', async () => {
    const { customer, id } = await customerWithEndpoint();
    const account = customer.accountId;
    const writer = new OutboxWriter(fixture.database.db);
    const delivered = sampleEvent({ account_id: account });
    const failing = sampleEvent({ account_id: account, event_type: 'enrollment' });
    await writer.record(delivered);
    await writer.record(failing);
    const t = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
    await seedAttempts(id, account, [
      { messageId: String(delivered.txid), at: t(50), outcome: 'failure' },
      { messageId: String(delivered.txid), at: t(49), attempt: 2, outcome: 'success' },
      { messageId: String(failing.txid), at: t(40), outcome: 'failure' },
      { messageId: String(failing.txid), at: t(39), attempt: 2, outcome: 'failure' },
      { messageId: 'evt-failed', at: t(30), outcome: 'failure' },
    ]);
    const rows = [
      // Retries ran out: recorded failed after its attempt.
      { message_id: 'evt-failed', event_type: 'authlog.authentication', status: 'failed' as const, failed_at: t(29), created_at: t(29) },
      // Failed for a disabled endpoint: recorded, never attempted.
      { message_id: 'evt-disabled', event_type: 'authlog.enrollment', status: 'failed' as const, failed_at: t(20), created_at: t(20) },
      // A test message queued and not attempted yet.
      { message_id: 'msg_pending', event_type: 'authlog.test', status: 'pending' as const, failed_at: null, created_at: t(10) },
    ];
    for (const row of rows) {
      await fixture.db
        .insertInto('webhook_messages')
        .values({ endpoint_id: id, account_id: account, message_id: row.message_id, event_type: row.event_type, body: '{}', status: row.status, last_error: row.status === 'failed' ? 'HTTP 500' : null, failed_at: row.failed_at })
        .execute();
      await fixture.db.updateTable('webhook_messages').set({ created_at: row.created_at, updated_at: row.created_at } as never).where('endpoint_id', '=', id).where('message_id', '=', row.message_id).execute();
    }

    const all = await customer.call('GET', `/v1/endpoints/${id}/messages`);
    expect(all.status).toBe(200);
    const byId = Object.fromEntries(all.body.data.map((message: { message_id: string }) => [message.message_id, message]));
    expect(all.body.data.map((message: { message_id: string }) => message.message_id)).toEqual(['msg_pending', 'evt-disabled', 'evt-failed', String(failing.txid), String(delivered.txid)]);
    expect(byId[String(delivered.txid)]).toMatchObject({ status: 'delivered', type: 'authlog.authentication', attempts: 2, last_attempt_outcome: 'success', last_status_code: 200, last_error: null, updated_at: null });
    expect(byId[String(failing.txid)]).toMatchObject({ status: 'failing', type: 'authlog.enrollment', attempts: 2, last_attempt_outcome: 'failure', last_status_code: 500, last_error: 'HTTP 500' });
    expect(byId['evt-failed']).toMatchObject({ status: 'failed', type: 'authlog.authentication', attempts: 1, last_error: 'HTTP 500' });
    expect(byId['evt-disabled']).toMatchObject({ status: 'failed', type: 'authlog.enrollment', attempts: 0, last_attempt_at: null, next_attempt_at: null });
    expect(byId['msg_pending']).toMatchObject({ status: 'pending', type: 'authlog.test', attempts: 0 });

    const ids = async (query: string) => (await customer.call('GET', `/v1/endpoints/${id}/messages?${query}`)).body.data.map((message: { message_id: string }) => message.message_id);
    expect(await ids('status=failed')).toEqual(['evt-disabled', 'evt-failed']);
    expect(await ids('status=failing')).toEqual([String(failing.txid)]);
    expect(await ids('status=delivered')).toEqual([String(delivered.txid)]);
    expect(await ids('status=pending')).toEqual(['msg_pending']);
    expect(await ids('event_type=authlog.enrollment')).toEqual(['evt-disabled', String(failing.txid)]);
    expect(await ids('status=failed&event_type=authlog.authentication')).toEqual(['evt-failed']);
    expect(await ids(`from=${t(45).toISOString()}&to=${t(15).toISOString()}`)).toEqual(['evt-disabled', 'evt-failed', String(failing.txid)]);
    expect(await ids('status=failed&limit=1')).toEqual(['evt-disabled']);
    expect((await customer.call('GET', `/v1/endpoints/${id}/messages?status=lost`)).body.error.field).toBe('status');
    expect((await customer.call('GET', `/v1/endpoints/${id}/messages?from=yesterday`)).body.error.field).toBe('from');
  });

  it("answers another account's endpoint 404 like an unknown one, and never lists another account's rows", async () => {
    const { customer, id } = await customerWithEndpoint();
    const other = await api.customer(uniqueName('acct'));
    await seedAttempts(id, customer.accountId, [{ messageId: 'mine', at: new Date() }]);
    // A row of another account under this endpoint id (a corrupt or forged row) is not listed.
    await seedAttempts(id, other.accountId, [{ messageId: 'theirs', at: new Date() }]);
    const mine = await customer.call('GET', `/v1/endpoints/${id}/messages`);
    expect(mine.body.data.map((message: { message_id: string }) => message.message_id)).toEqual(['mine']);
    const foreign = await other.call('GET', `/v1/endpoints/${id}/messages`);
    const unknown = await other.call('GET', '/v1/endpoints/ep_unknown/messages');
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(unknown.body);
    expect((await other.call('POST', `/v1/endpoints/${id}/recover`, { since: new Date(Date.now() - 60_000).toISOString() })).status).toBe(404);
  });

  it("shows a retry's next attempt time from BullMQ's delayed job", async () => {
    const target = await receiver();
    const { customer, id } = await customerWithEndpoint(target.url());
    await seedAttempts(id, customer.accountId, [{ messageId: 'evt-waiting', at: new Date(), outcome: 'failure' }]);
    const redis = new Redis(fixture.redisUrl, { maxRetriesPerRequest: null });
    const queue = new DeliveryQueue(redis, { name: 'webhook-deliveries', prefix: fixture.prefix }, RetrySchedule.parse('0,100ms'), silentLogger);
    try {
      const due = Date.now() + 600_000;
      await queue.enqueue([
        {
          jobId: deliveryJobId('evt-waiting', id),
          delayMs: 600_000,
          data: { messageId: 'evt-waiting', endpointId: id, accountId: customer.accountId, type: 'authlog.test', body: '{}', trigger: 'event', tracked: false, createdAt: Date.now() },
        },
      ]);
      const [message] = (await customer.call('GET', `/v1/endpoints/${id}/messages`)).body.data;
      expect(message).toMatchObject({ message_id: 'evt-waiting', status: 'failing' });
      expect(Math.abs(Date.parse(message.next_attempt_at) - due)).toBeLessThan(5_000);
      await queue.queue.remove(deliveryJobId('evt-waiting', id));
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});

describe('POST /v1/endpoints/:id/recover with filters', () => {
  it('sends again exactly the failed messages of the type and time window, with the same webhook-id', async () => {
    let healthy = false;
    const target = await receiver(() => (healthy ? { status: 200 } : { status: 500 }));
    const { customer, id } = await customerWithEndpoint(target.url());
    const started = new Date(Date.now() - 1_000).toISOString();
    const events = await fixture.produce([
      sampleEvent({ account_id: customer.accountId }),
      sampleEvent({ account_id: customer.accountId }),
      sampleEvent({ account_id: customer.accountId, event_type: 'enrollment' }),
    ]);
    await expect.poll(async () => (await customer.call('GET', `/v1/endpoints/${id}/messages?status=failed`)).body.data.length, { timeout: 20_000 }).toBe(3);
    const sentBefore = target.received.length;
    healthy = true;

    // A window that ends before the failures recovers nothing.
    const none = await customer.call('POST', `/v1/endpoints/${id}/recover`, { since: started, until: new Date(Date.parse(started) + 1).toISOString() });
    expect(none).toMatchObject({ status: 202, body: { recovered: 0 } });
    expect((await customer.call('POST', `/v1/endpoints/${id}/recover`, { since: started, until: started })).body.error.field).toBe('until');
    expect((await customer.call('POST', `/v1/endpoints/${id}/recover`, { since: started, status: 'failing' })).body.error.field).toBe('status');

    const recovered = await customer.call('POST', `/v1/endpoints/${id}/recover`, { since: started, event_type: 'authlog.authentication' });
    expect(recovered).toMatchObject({ status: 202, body: { recovered: 2 } });
    const requests = await target.waitFor(sentBefore + 2);
    const authentication = events.filter((event) => event.event_type === 'authentication').map((event) => event.txid);
    expect(requests.slice(sentBefore).map((request) => request.headers['webhook-id']).sort()).toEqual([...authentication].sort());
    await expect.poll(async () => (await customer.call('GET', `/v1/endpoints/${id}/messages?status=delivered`)).body.data.length).toBe(2);
    const stillFailed = (await customer.call('GET', `/v1/endpoints/${id}/messages?status=failed`)).body.data;
    expect(stillFailed.map((message: { message_id: string }) => message.message_id)).toEqual(events.filter((event) => event.event_type === 'enrollment').map((event) => event.txid));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(target.received.length).toBe(sentBefore + 2);
  });
});
