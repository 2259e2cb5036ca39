import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../testing/sample-event.js';
import { uniqueName } from '../support/unique-name.js';
import { startApi, type ApiClient } from './support/api-client.js';
import { Receiver, type Behaviour } from './support/receiver.js';
import { WebhookFixture } from './support/webhook-fixture.js';

/** The bounds both services run with here: timeouts 200 ms to 2 s, at most 8 attempts, waits 50 ms to 2 s. */
const BOUNDS = {
  WEBHOOK_ENDPOINT_TIMEOUT_MIN_MS: '200',
  WEBHOOK_ENDPOINT_TIMEOUT_MAX_MS: '2000',
  WEBHOOK_ENDPOINT_RETRY_MAX_ATTEMPTS: '8',
  WEBHOOK_ENDPOINT_RETRY_MIN_DELAY_MS: '50',
  WEBHOOK_ENDPOINT_RETRY_MAX_DELAY_MS: '2000',
};
let fixture: WebhookFixture;
let api: Awaited<ReturnType<typeof startApi>>;
let customer: ApiClient;
const receivers: Receiver[] = [];
const receiver = async (behaviour: Behaviour) => {
  const started = await Receiver.start(behaviour);
  receivers.push(started);
  return started;
};

beforeAll(async () => {
  fixture = await WebhookFixture.create();
  // The service's own: 5 attempts 100 ms apart, a 3 s timeout (fixture.env).
  await fixture.startDispatcher({ ...BOUNDS, WEBHOOK_ENDPOINT_CACHE_MS: '200' });
  api = await startApi(fixture, BOUNDS);
  customer = await api.customer(uniqueName('acct'));
});

afterAll(async () => {
  await api?.stop();
  await fixture?.cleanup();
  for (const started of receivers) await started.close();
});

const attemptsOf = (endpointId: string) => fixture.db.selectFrom('webhook_attempts').selectAll().where('endpoint_id', '=', endpointId).orderBy('id').execute();
const messageStatus = async (endpointId: string, messageId: string) =>
  (await fixture.db.selectFrom('webhook_messages').select('status').where('endpoint_id', '=', endpointId).where('message_id', '=', messageId).executeTakeFirst())?.status;
const create = async (url: string, extra: Record<string, unknown>) => {
  const created = await customer.call('POST', '/v1/endpoints', { url, ...extra });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
};

describe('per-endpoint timeout and retry schedule: the API', () => {
  it('stores and shows them, null going back to the service default', async () => {
    const id = await create('http://127.0.0.1:9/hook', { timeout_ms: 1500, retry_schedule: ['50ms', '1s', '2s'] });
    const read = await customer.call('GET', `/v1/endpoints/${id}`);
    expect(read.body).toMatchObject({ timeout_ms: 1500, retry_schedule: ['50ms', '1s', '2s'] });
    const reset = await customer.call('PATCH', `/v1/endpoints/${id}`, { timeout_ms: null, retry_schedule: null });
    expect(reset.body).toMatchObject({ timeout_ms: null, retry_schedule: null });
    const plain = await customer.call('POST', '/v1/endpoints', { url: 'http://127.0.0.1:9/hook' });
    expect(plain.body).toMatchObject({ timeout_ms: null, retry_schedule: null });
  });

  it('answers 422 naming the field outside the service bounds, 400 for a malformed value', async () => {
    const id = await create('http://127.0.0.1:9/hook', {});
    const outside: [Record<string, unknown>, string][] = [
      [{ timeout_ms: 199 }, 'timeout_ms'],
      [{ timeout_ms: 2001 }, 'timeout_ms'],
      [{ retry_schedule: Array.from({ length: 8 }, () => '1s') }, 'retry_schedule'],
      [{ retry_schedule: ['1s', '10ms'] }, 'retry_schedule.1'],
      [{ retry_schedule: ['3s'] }, 'retry_schedule.0'],
    ];
    for (const [body, field] of outside) {
      for (const answer of [await customer.call('POST', '/v1/endpoints', { url: 'http://127.0.0.1:9/hook', ...body }), await customer.call('PATCH', `/v1/endpoints/${id}`, body)]) {
        expect(answer.status, JSON.stringify(body)).toBe(422);
        expect(answer.body.error).toMatchObject({ code: 'OUT_OF_BOUNDS', field });
      }
    }
    const malformed: [Record<string, unknown>, string][] = [
      [{ timeout_ms: '500' }, 'timeout_ms'],
      [{ timeout_ms: 1.5 }, 'timeout_ms'],
      [{ retry_schedule: ['5 minutes'] }, 'retry_schedule.0'],
      [{ retry_schedule: '5s' }, 'retry_schedule'],
    ];
    for (const [body, field] of malformed) {
      const answer = await customer.call('PATCH', `/v1/endpoints/${id}`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.field).toBe(field);
    }
    // Nothing was changed by the refused calls.
    expect((await customer.call('GET', `/v1/endpoints/${id}`)).body).toMatchObject({ timeout_ms: null, retry_schedule: null });
  });
});

describe('per-endpoint timeout and retry schedule: the dispatcher', () => {
  it('times out by the endpoint on its first attempt and its retries, while the service timeout still serves others', async () => {
    const slow = await receiver(() => ({ status: 200, body: 'late', delayMs: 1_000 }));
    const short = await create(slow.url(), { timeout_ms: 300, retry_schedule: ['50ms'] });
    const usual = await create(slow.url('/usual'), {});
    const [event] = await fixture.produce([sampleEvent({ account_id: customer.accountId })]);
    await expect.poll(() => messageStatus(short, event!.txid), { timeout: 15_000 }).toBe('failed');
    const attempts = await attemptsOf(short);
    expect(attempts.map((row) => [row.attempt, row.error_code])).toEqual([
      [1, 'timeout'],
      [2, 'timeout'],
    ]);
    for (const row of attempts) expect(row.latency_ms).toBeLessThan(900);
    await expect.poll(async () => (await attemptsOf(usual)).map((row) => row.status_code), { timeout: 15_000 }).toEqual([200]);
  });

  it('follows the endpoint schedule: fewer attempts than the service on events, more on an API test message, with its waits', async () => {
    const failing = await receiver(() => ({ status: 500, body: 'down' }));
    // Event: 3 attempts (service: 5), the last wait 1.5 s (service: 100 ms).
    const fewer = await create(failing.url('/fewer'), { retry_schedule: ['50ms', '1500ms'] });
    const [event] = await fixture.produce([sampleEvent({ account_id: customer.accountId })]);
    await expect.poll(() => messageStatus(fewer, event!.txid), { timeout: 20_000 }).toBe('failed');
    const times = (await attemptsOf(fewer)).map((row) => row.attempted_at.getTime());
    expect(times).toHaveLength(3);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(1_450);
    expect(times[1]! - times[0]!).toBeLessThan(1_000);

    // Test message through the API's queue: 7 attempts (service: 5).
    const more = await create(failing.url('/more'), { retry_schedule: Array.from({ length: 6 }, () => '50ms') });
    const sent = await customer.call('POST', `/v1/endpoints/${more}/test`);
    expect(sent.status).toBe(202);
    await expect.poll(() => messageStatus(more, sent.body.message_id), { timeout: 20_000 }).toBe('failed');
    expect((await attemptsOf(more)).map((row) => row.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('a schedule shortened while a message is being retried ends its retries at the new count', async () => {
    let patched: Promise<unknown> | undefined;
    let id = '';
    // The first request answers late; meanwhile the schedule goes from the service's 5 attempts to 2.
    const failing = await receiver((_request, n) => {
      if (n === 1) patched = customer.call('PATCH', `/v1/endpoints/${id}`, { retry_schedule: ['100ms'] });
      return { status: 500, body: 'down', delayMs: n === 1 ? 600 : 0 };
    });
    id = await create(failing.url('/shortened'), {});
    const sent = await customer.call('POST', `/v1/endpoints/${id}/test`);
    await expect.poll(() => messageStatus(id, sent.body.message_id), { timeout: 20_000 }).toBe('failed');
    await patched;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await attemptsOf(id)).map((row) => row.attempt)).toEqual([1, 2]);
  });
});
