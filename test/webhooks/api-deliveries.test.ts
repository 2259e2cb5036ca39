import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWriter } from '../../shared/outbox/outbox-writer.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { uniqueName } from '../support/unique-name.js';
import { startApi, type ApiClient } from './support/api-client.js';
import { Receiver, type Behaviour } from './support/receiver.js';
import { WebhookFixture } from './support/webhook-fixture.js';

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
  // A compressed clock: five attempts 100 ms apart, and "failing continuously" after 1.5 s.
  await fixture.startDispatcher({ WEBHOOK_DISABLE_AFTER_MS: '1500', WEBHOOK_ENDPOINT_CACHE_MS: '200' });
  api = await startApi(fixture);
});

afterAll(async () => {
  await api?.stop();
  await fixture?.cleanup();
  for (const started of receivers) await started.close();
});

async function customerWithEndpoint(target: Receiver, extra: Record<string, unknown> = {}): Promise<{ customer: ApiClient; id: string; secret: string }> {
  const customer = await api.customer(uniqueName('acct'));
  const created = await customer.call('POST', '/v1/endpoints', { url: target.url(), ...extra });
  expect(created.status).toBe(201);
  return { customer, id: created.body.id, secret: created.body.secret };
}

const verify = (secret: string, request: { body: string; headers: Record<string, unknown> }) =>
  new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };

describe('webhook API with the dispatcher running', () => {
  it('sends a test event signed with both secrets during a rotation, and lists its attempt', async () => {
    const target = await receiver();
    const { customer, id, secret } = await customerWithEndpoint(target);
    const rotated = await customer.call('POST', `/v1/endpoints/${id}/secret/rotate`);
    // The dispatcher caches endpoints briefly; the rotation is announced, so the next send uses both.
    const sent = await customer.call('POST', `/v1/endpoints/${id}/test`);
    expect(sent.status).toBe(202);
    const [request] = await target.waitFor(1);
    expect(request!.headers['webhook-id']).toBe(sent.body.message_id);
    expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(secret, request!).type).toBe('authlog.test');
    expect(verify(rotated.body.secret, request!).data.endpoint_id).toBe(id);

    await expect.poll(async () => (await customer.call('GET', `/v1/endpoints/${id}/attempts`)).body.data.length).toBe(1);
    const [attempt] = (await customer.call('GET', `/v1/endpoints/${id}/attempts`)).body.data;
    expect(attempt).toMatchObject({ message_id: sent.body.message_id, attempt: 1, trigger: 'test', outcome: 'success', status_code: 200, response_excerpt: 'ok' });
    expect(attempt.latency_ms).toBeGreaterThanOrEqual(0);
    await expect.poll(async () => (await customer.call('GET', `/v1/endpoints/${id}/messages`)).body.data[0]?.status).toBe('delivered');
  });

  it('marks a message failed when retries run out, and recovers it with the same webhook-id', async () => {
    let healthy = false;
    const target = await receiver(() => (healthy ? { status: 200 } : { status: 500, body: 'down for maintenance' }));
    const { customer, id, secret } = await customerWithEndpoint(target);
    const [event] = await fixture.produce([sampleEvent({ account_id: customer.accountId })]);

    await expect.poll(async () => (await customer.call('GET', `/v1/endpoints/${id}/messages?status=failed`)).body.data.length, { timeout: 15_000 }).toBe(1);
    const [failed] = (await customer.call('GET', `/v1/endpoints/${id}/messages?status=failed`)).body.data;
    expect(failed).toMatchObject({ message_id: event!.txid, type: 'authlog.authentication', status: 'failed', last_error: 'HTTP 500' });
    expect(target.received).toHaveLength(5);
    const attempts = (await customer.call('GET', `/v1/endpoints/${id}/attempts?message_id=${event!.txid}`)).body.data;
    expect(attempts.map((attempt: { attempt: number }) => attempt.attempt)).toEqual([5, 4, 3, 2, 1]);
    expect(attempts[0]).toMatchObject({ outcome: 'failure', status_code: 500, response_excerpt: 'down for maintenance' });

    healthy = true;
    const since = new Date(Date.now() - 60_000).toISOString();
    const recovered = await customer.call('POST', `/v1/endpoints/${id}/recover`, { since });
    expect(recovered).toMatchObject({ status: 202, body: { recovered: 1 } });
    const requests = await target.waitFor(6);
    expect(requests[5]!.headers['webhook-id']).toBe(event!.txid);
    expect(verify(secret, requests[5]!).data.txid).toBe(event!.txid);
    await expect.poll(async () => (await customer.call('GET', `/v1/endpoints/${id}/messages`)).body.data[0]?.status).toBe('delivered');
    // The attempt log by status class and time (the Admin Panel's filters).
    const attemptsWhere = async (query: string) => (await customer.call('GET', `/v1/endpoints/${id}/attempts?${query}`)).body.data as { status_code: number | null }[];
    await expect.poll(async () => (await attemptsWhere('status_class=2xx')).length).toBe(1);
    expect((await attemptsWhere('status_class=5xx')).map((attempt) => attempt.status_code)).toEqual([500, 500, 500, 500, 500]);
    expect(await attemptsWhere('status_class=none')).toEqual([]);
    expect(await attemptsWhere(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
    expect(await attemptsWhere(`from=${encodeURIComponent(since)}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&outcome=failure`)).toHaveLength(5);
    expect(await attemptsWhere(`to=${encodeURIComponent(since)}`)).toEqual([]);
    const refused = await customer.call('GET', `/v1/endpoints/${id}/attempts?status_class=6xx`);
    expect(refused).toMatchObject({ status: 400, body: { error: { field: 'status_class' } } });
    // Nothing is failed any more: a second recovery finds nothing.
    expect((await customer.call('POST', `/v1/endpoints/${id}/recover`, { since })).body.recovered).toBe(0);
  });

  it('replays one delivered message from the Authlog with the same webhook-id and body', async () => {
    const target = await receiver();
    const { customer, id, secret } = await customerWithEndpoint(target);
    const input = sampleEvent({ account_id: customer.accountId });
    await new OutboxWriter(fixture.database.db).record(input);
    const [event] = await fixture.produce([input]);
    const [first] = await target.waitFor(1);
    const replay = await customer.call('POST', `/v1/endpoints/${id}/messages/${event!.txid}/replay`);
    expect(replay.status).toBe(202);
    const [, second] = await target.waitFor(2);
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(verify(secret, second!)).toEqual(verify(secret, first!));
    expect((await customer.call('POST', `/v1/endpoints/${id}/messages/no-such-message/replay`)).status).toBe(404);
  });

  it('disables an endpoint that answers 410, keeps its messages recoverable, and enables it again', async () => {
    let gone = true;
    const target = await receiver(() => (gone ? { status: 410 } : { status: 200 }));
    const { customer, id } = await customerWithEndpoint(target);
    await fixture.produce([sampleEvent({ account_id: customer.accountId })]);
    await expect.poll(async () => (await customer.call('GET', `/v1/endpoints/${id}`)).body.enabled).toBe(false);
    const disabled = (await customer.call('GET', `/v1/endpoints/${id}`)).body;
    expect(disabled.disabled_reason).toBe('endpoint_gone');
    expect(disabled.disabled_detail).toMatch(/410/);
    expect(target.received).toHaveLength(1);

    // While disabled, new events are not sent but kept as failed messages.
    const [later] = await fixture.produce([sampleEvent({ account_id: customer.accountId })]);
    await expect.poll(async () => (await customer.call('GET', `/v1/endpoints/${id}/messages?status=failed`)).body.data.length).toBe(2);
    expect(target.received).toHaveLength(1);
    expect((await customer.call('POST', `/v1/endpoints/${id}/test`)).body.error.code).toBe('ENDPOINT_DISABLED');

    gone = false;
    const enabled = await customer.call('POST', `/v1/endpoints/${id}/enable`);
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });
    const recovered = await customer.call('POST', `/v1/endpoints/${id}/recover`, { since: new Date(Date.now() - 60_000).toISOString() });
    expect(recovered.body.recovered).toBe(2);
    const requests = await target.waitFor(3);
    expect(requests.map((request) => request.headers['webhook-id'])).toContain(later!.txid);
  });

  it('disables an endpoint that keeps failing for the configured time, and says why', async () => {
    const target = await receiver(() => ({ status: 503 }));
    const { customer, id } = await customerWithEndpoint(target);
    for (let n = 0; n < 12; n += 1) {
      await fixture.produce([sampleEvent({ account_id: customer.accountId })]);
      if ((await customer.call('GET', `/v1/endpoints/${id}`)).body.enabled === false) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await expect.poll(async () => (await customer.call('GET', `/v1/endpoints/${id}`)).body.disabled_reason).toBe('failing_continuously');
    const endpoint = (await customer.call('GET', `/v1/endpoints/${id}`)).body;
    expect(endpoint.disabled_detail).toMatch(/every delivery failed since/);
    expect(endpoint.failing_since).not.toBeNull();
  });

  it('honours Retry-After on 429 instead of the retry schedule', async () => {
    const target = await receiver((_request, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 }));
    const { customer } = await customerWithEndpoint(target);
    await fixture.produce([sampleEvent({ account_id: customer.accountId })]);
    const [first, second] = await target.waitFor(2, 10_000);
    // The schedule says 100 ms; the receiver asked for 2 s.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1_900);
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
  });
});
