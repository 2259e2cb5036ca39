import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../support/sample-event.js';
import { uniqueName } from '../support/unique-name.js';
import { Receiver } from './support/receiver.js';
import { WebhookFixture, type RunningDispatcher } from './support/webhook-fixture.js';

let fixture: WebhookFixture;
let dispatcher: RunningDispatcher;
const receivers: Receiver[] = [];
const receiver = async (...args: Parameters<typeof Receiver.start>) => {
  const started = await Receiver.start(...args);
  receivers.push(started);
  return started;
};

beforeAll(async () => {
  fixture = await WebhookFixture.create();
  dispatcher = await fixture.startDispatcher();
});

afterAll(async () => {
  await fixture?.cleanup();
  for (const started of receivers) await started.close();
});

const attemptsOf = (endpointId: string) =>
  fixture.db.selectFrom('webhook_attempts').selectAll().where('endpoint_id', '=', endpointId).orderBy('id').execute();

describe('webhook delivery (real Kafka, Redis, MySQL, local receivers)', () => {
  it('delivers matching events signed per Standard Webhooks, only to the account and filters they match', async () => {
    const [account, other] = [uniqueName('acct'), uniqueName('acct')];
    const all = await receiver();
    const deniedOnly = await receiver();
    const foreign = await receiver();
    const { secret } = await fixture.createEndpoint(account, { url: all.url() });
    const filtered = await fixture.createEndpoint(account, { url: deniedOnly.url(), filters: { event_types: [], results: ['denied'], reasons: [], applications: [] } });
    await fixture.createEndpoint(other, { url: foreign.url() });

    const events = await fixture.produce([
      sampleEvent({ account_id: account }),
      sampleEvent({ account_id: account, result: 'denied', reason: 'out_of_date' }),
    ]);
    const got = await all.waitFor(2);
    await deniedOnly.waitFor(1);

    for (const request of got) {
      const headers = { 'webhook-id': String(request.headers['webhook-id']), 'webhook-timestamp': String(request.headers['webhook-timestamp']), 'webhook-signature': String(request.headers['webhook-signature']) };
      const payload = new Webhook(secret).verify(request.body, headers) as { type: string; timestamp: string; data: { txid: string; account_id: string } };
      expect(payload.type).toBe('authlog.authentication');
      expect(payload.data.account_id).toBe(account);
      expect(headers['webhook-id']).toBe(payload.data.txid);
      expect(request.headers['content-type']).toBe('application/json');
    }
    expect(got.map((request) => request.headers['webhook-id']).sort()).toEqual(events.map((event) => event.txid).sort());
    expect(deniedOnly.received.map((request) => request.headers['webhook-id'])).toEqual([events[1]!.txid]);
    // Let stragglers arrive if there were any: the other account's endpoint must stay silent.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(foreign.received).toHaveLength(0);
    expect(deniedOnly.received).toHaveLength(1);
    const logged = await attemptsOf(filtered.endpoint.id);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ outcome: 'success', status_code: 200, attempt: 1, trigger_type: 'event', response_excerpt: 'ok' });
  });

  it('retries a receiver that fails 3 times and delivers once it succeeds, with the same webhook-id', async () => {
    const account = uniqueName('acct');
    const flaky = await receiver((_request, n) => (n <= 3 ? { status: 500, body: `boom ${n}` } : { status: 204 }));
    const { endpoint, secret } = await fixture.createEndpoint(account, { url: flaky.url() });
    const [event] = await fixture.produce([sampleEvent({ account_id: account })]);
    const requests = await flaky.waitFor(4);
    expect(new Set(requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([event!.txid]));
    // Each attempt is signed anew (fresh timestamp), and each signature verifies.
    for (const request of requests) expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();

    await expect.poll(async () => (await attemptsOf(endpoint.id)).length).toBe(4);
    const logged = await attemptsOf(endpoint.id);
    expect(logged.map((row) => [row.attempt, row.outcome, row.status_code])).toEqual([
      [1, 'failure', 500],
      [2, 'failure', 500],
      [3, 'failure', 500],
      [4, 'success', 204],
    ]);
    expect(logged[0]?.response_excerpt).toBe('boom 1');
    expect(logged[0]?.error_code).toBe('http_status');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(flaky.received).toHaveLength(4);
  });
});
