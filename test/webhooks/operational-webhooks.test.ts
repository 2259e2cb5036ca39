import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretKey, signatureOf } from '../../shared/webhooks/signing.js';
import { uniqueName } from '../support/unique-name.js';
import { startApi, type ApiClient } from './support/api-client.js';
import { Receiver, type ReceivedRequest } from './support/receiver.js';
import { WebhookFixture, type RunningDispatcher } from './support/webhook-fixture.js';

/**
 * Operational webhooks (issue 16): an account's one operational endpoint receives, signed with its
 * own secret, endpoint.disabled (a 410), endpoint.enabled (the API's enable), and per message
 * message.attempt.failing (4th failed attempt), .exhausted (the last) and .recovered (a success
 * after failing). Message notices run on the endpoints' own short retry schedules.
 */
const SHORT_DELAYS = { WEBHOOK_ENDPOINT_RETRY_MIN_DELAY_MS: '50' };
let fixture: WebhookFixture;
let dispatcher: RunningDispatcher;
let api: Awaited<ReturnType<typeof startApi>>;
let ops: Receiver;
let customer: Receiver;
const receivers: Receiver[] = [];

/** A customer endpoint's receiver, closed after the file. */
async function receiver(behaviour: Parameters<typeof Receiver.start>[0]): Promise<Receiver> {
  const started = await Receiver.start(behaviour);
  receivers.push(started);
  return started;
}

beforeAll(async () => {
  fixture = await WebhookFixture.create();
  dispatcher = await fixture.startDispatcher(SHORT_DELAYS);
  api = await startApi(fixture, SHORT_DELAYS);
  ops = await Receiver.start();
  customer = await Receiver.start();
});

afterAll(async () => {
  await api?.stop();
  await fixture?.cleanup();
  await ops?.close();
  await customer?.close();
  for (const started of receivers) await started.close();
});

interface Notice {
  readonly type: string;
  readonly timestamp: string;
  readonly data: Record<string, unknown>;
}

const noticeOf = (request: ReceivedRequest): Notice => JSON.parse(request.body) as Notice;

/** The notices of `type` about endpoint `endpointId` that arrived, after checking each one's signature. */
function noticesAbout(secret: string, type: string, endpointId: string): Notice[] {
  return ops.received
    .filter((request) => request.headers['webhook-id'] !== undefined)
    .filter((request) => {
      const notice = noticeOf(request);
      return notice.type === type && notice.data.endpoint_id === endpointId;
    })
    .map((request) => {
      const id = String(request.headers['webhook-id']);
      const timestamp = Number(request.headers['webhook-timestamp']);
      expect(String(request.headers['webhook-signature']).split(' ')).toContain(signatureOf(secretKey(secret), id, timestamp, request.body));
      expect(id).toMatch(/^opmsg_[0-9a-f]{32}$/);
      return noticeOf(request);
    });
}

async function operationalEndpoint(client: ApiClient): Promise<string> {
  const put = await client.call('PUT', '/v1/operational-endpoint', { url: ops.url(`/ops/${client.accountId}`), description: 'ops' });
  expect(put.status).toBe(201);
  expect(put.body.secret).toMatch(/^whsec_/);
  return put.body.secret as string;
}

async function endpoint(client: ApiClient, receiver: Receiver, retrySchedule?: readonly string[]): Promise<string> {
  const created = await client.call('POST', '/v1/endpoints', { url: receiver.url(), ...(retrySchedule === undefined ? {} : { retry_schedule: retrySchedule }) });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

describe('operational endpoint API', () => {
  it('one per account, scoped to it, URL checked like an endpoint\'s, every change audited, PUT honours Idempotency-Key', async () => {
    const a = await api.customer(uniqueName('acct'));
    const b = await api.customer(uniqueName('acct'));
    expect((await a.call('GET', '/v1/operational-endpoint')).status).toBe(404);
    const created = await a.call('PUT', '/v1/operational-endpoint', { url: ops.url('/a') });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: ops.url('/a'), enabled: true, description: '' });
    expect(created.body.secret).toMatch(/^whsec_/);
    const replaced = await a.call('PUT', '/v1/operational-endpoint', { url: ops.url('/a2'), description: 'SIEM' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id: created.body.id, url: ops.url('/a2'), description: 'SIEM', secret: null });

    // Another account sees none of it, and gets its own.
    expect((await b.call('GET', '/v1/operational-endpoint')).status).toBe(404);
    expect((await b.call('DELETE', '/v1/operational-endpoint')).status).toBe(404);
    expect((await b.call('POST', '/v1/operational-endpoint/secret/rotate', {})).status).toBe(404);
    const bOwn = await b.call('PUT', '/v1/operational-endpoint', { url: ops.url('/b') });
    expect(bOwn.status).toBe(201);
    expect(bOwn.body.id).not.toBe(created.body.id);
    expect((await a.call('GET', '/v1/operational-endpoint')).body.url).toBe(ops.url('/a2'));

    // SSRF: non-public addresses are refused naming the field, as for endpoints.
    for (const url of ['http://10.0.0.7/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:8080/x', 'ftp://example.com/']) {
      const refused = await a.call('PUT', '/v1/operational-endpoint', { url });
      expect(refused.status, url).toBe(400);
      expect(refused.body.error.field).toBe('url');
    }
    expect((await a.call('GET', '/v1/operational-endpoint')).body.url).toBe(ops.url('/a2'));

    const rotated = await a.call('POST', '/v1/operational-endpoint/secret/rotate', {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);

    // The same Idempotency-Key and body answer the first answer (the secret not kept), another body is refused.
    const key = { 'idempotency-key': uniqueName('idem') };
    const c = await api.customer(uniqueName('acct'));
    const first = await c.call('PUT', '/v1/operational-endpoint', { url: ops.url('/c') }, key);
    const again = await c.call('PUT', '/v1/operational-endpoint', { url: ops.url('/c') }, key);
    expect(first.status).toBe(201);
    expect(again).toEqual({ status: 201, body: { ...first.body, secret: null } });
    expect((await c.call('PUT', '/v1/operational-endpoint', { url: ops.url('/c2') }, key)).status).toBe(422);

    expect((await a.call('DELETE', '/v1/operational-endpoint')).status).toBe(204);
    expect((await a.call('GET', '/v1/operational-endpoint')).status).toBe(404);

    const audit = await a.call('GET', '/v1/audit-log?limit=20');
    expect(audit.status).toBe(200);
    const actions = (audit.body.data as { action: string; status: number | null }[]).map((entry) => `${entry.action} ${entry.status}`).reverse();
    expect(actions).toEqual([
      'operational_endpoint.put 201',
      'operational_endpoint.put 200',
      ...Array.from({ length: 4 }, () => 'operational_endpoint.put 400'),
      'operational_endpoint.secret.rotate 200',
      'operational_endpoint.delete 204',
    ]);
    const other = (await b.call('GET', '/v1/audit-log?limit=20')).body.data as { action: string }[];
    // Newest first; the refused calls are recorded too (with their 404).
    expect(other.map((entry) => entry.action)).toEqual(['operational_endpoint.put', 'operational_endpoint.secret.rotate', 'operational_endpoint.delete']);
  });
});

describe('operational notices', () => {
  it('endpoint.disabled once when an endpoint answers 410, endpoint.enabled when the API enables it', async () => {
    const client = await api.customer(uniqueName('acct'));
    const secret = await operationalEndpoint(client);
    const goneReceiver = await receiver(() => ({ status: 410 }));
    const gone = await endpoint(client, goneReceiver);
    expect((await client.call('POST', `/v1/endpoints/${gone}/test`, {})).status).toBe(202);
    await expect.poll(() => noticesAbout(secret, 'endpoint.disabled', gone).length, { timeout: 20_000 }).toBe(1);
    const [disabled] = noticesAbout(secret, 'endpoint.disabled', gone);
    expect(disabled?.data).toMatchObject({ endpoint_id: gone, url: goneReceiver.url(), reason: 'endpoint_gone' });
    expect(String(disabled?.data.detail)).toContain('410');
    expect(Date.parse(String(disabled?.timestamp))).toBeGreaterThan(Date.now() - 60_000);

    // Enabling an enabled endpoint is no news; enabling the disabled one is.
    const enabledAlready = await endpoint(client, customer);
    expect((await client.call('POST', `/v1/endpoints/${enabledAlready}/enable`, {})).status).toBe(200);
    expect((await client.call('POST', `/v1/endpoints/${gone}/enable`, {})).status).toBe(200);
    await expect.poll(() => noticesAbout(secret, 'endpoint.enabled', gone).length, { timeout: 20_000 }).toBe(1);
    expect(noticesAbout(secret, 'endpoint.enabled', gone)[0]?.data).toEqual({ endpoint_id: gone });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(noticesAbout(secret, 'endpoint.enabled', enabledAlready)).toEqual([]);
    expect(noticesAbout(secret, 'endpoint.disabled', gone)).toHaveLength(1);

    // The notices' attempts are in the operational endpoint's log, and counted.
    const attempts = await client.call('GET', '/v1/operational-endpoint/attempts');
    expect(attempts.status).toBe(200);
    expect(attempts.body.data.length).toBeGreaterThanOrEqual(2);
    expect(attempts.body.data[0]).toMatchObject({ trigger: 'operational', type: 'endpoint.enabled', outcome: 'success', status_code: 200 });
    const metric = await dispatcher.registry.getSingleMetricAsString('webhook_operational_notices_total');
    expect(metric).toMatch(/webhook_operational_notices_total\{type="endpoint.disabled",outcome="delivered"[^}]*\} [1-9]/);
    expect(metric).toMatch(/webhook_operational_notices_total\{type="endpoint.enabled",outcome="delivered"[^}]*\} [1-9]/);
  });

  it('message.attempt.failing after the 4th failed attempt, exhausted after the last, recovered when a failing message then succeeds', async () => {
    const client = await api.customer(uniqueName('acct'));
    const secret = await operationalEndpoint(client);
    // One always fails (6 attempts); the other (5 attempts) fails its first four, then answers.
    const dead = await endpoint(client, await receiver(() => ({ status: 500 })), ['50ms', '50ms', '50ms', '50ms', '50ms']);
    const flaky = await endpoint(client, await receiver((_request, n) => (n <= 4 ? { status: 503 } : { status: 200 })), ['50ms', '50ms', '50ms', '50ms']);
    const deadSent = await client.call('POST', `/v1/endpoints/${dead}/test`, {});
    const flakySent = await client.call('POST', `/v1/endpoints/${flaky}/test`, {});
    expect([deadSent.status, flakySent.status]).toEqual([202, 202]);
    const deadMessage = deadSent.body.message_id as string;
    const flakyMessage = flakySent.body.message_id as string;

    await expect.poll(() => noticesAbout(secret, 'message.attempt.exhausted', dead).length, { timeout: 30_000 }).toBe(1);
    await expect.poll(() => noticesAbout(secret, 'message.attempt.recovered', flaky).length, { timeout: 30_000 }).toBe(1);
    const [failing] = noticesAbout(secret, 'message.attempt.failing', dead);
    expect(failing?.data).toMatchObject({ endpoint_id: dead, message_id: deadMessage, attempt: 4, last_attempt: { status_code: 500, error_code: 'http_status' } });
    expect(noticesAbout(secret, 'message.attempt.exhausted', dead)[0]?.data).toMatchObject({ message_id: deadMessage, attempt: 6, last_attempt: { status_code: 500 } });
    expect(noticesAbout(secret, 'message.attempt.failing', flaky)[0]?.data).toMatchObject({ message_id: flakyMessage, attempt: 4, last_attempt: { status_code: 503 } });
    expect(noticesAbout(secret, 'message.attempt.recovered', flaky)[0]?.data).toMatchObject({ message_id: flakyMessage, attempt: 5, last_attempt: { status_code: 200, error_code: null } });
    const recoveredAt = (noticesAbout(secret, 'message.attempt.recovered', flaky)[0]?.data.last_attempt as { at: string }).at;
    expect(Date.parse(recoveredAt)).toBeGreaterThan(Date.now() - 60_000);

    // Exactly one of each, and none that does not apply.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(noticesAbout(secret, 'message.attempt.failing', dead)).toHaveLength(1);
    expect(noticesAbout(secret, 'message.attempt.failing', flaky)).toHaveLength(1);
    expect(noticesAbout(secret, 'message.attempt.exhausted', flaky)).toEqual([]);
    expect(noticesAbout(secret, 'message.attempt.recovered', dead)).toEqual([]);
    // Each request to the operational endpoint was a notice of this account's (it never gets auth events).
    for (const request of ops.received.filter((r) => r.headers['webhook-id'] !== undefined)) expect(['endpoint.disabled', 'endpoint.enabled', 'message.attempt.failing', 'message.attempt.exhausted', 'message.attempt.recovered']).toContain(noticeOf(request).type);
  });
});


describe('operational deliveries', () => {
  it('are retried with the same webhook-id and body, logged per attempt, and dropped while the operational endpoint is disabled', async () => {
    const client = await api.customer(uniqueName('acct'));
    const flakyOps = await receiver((_request, n) => (n === 1 ? { status: 500 } : { status: 200 }));
    const put = await client.call('PUT', '/v1/operational-endpoint', { url: flakyOps.url('/ops') });
    expect(put.status).toBe(201);
    const gone = await endpoint(client, await receiver(() => ({ status: 410 })));
    expect((await client.call('POST', `/v1/endpoints/${gone}/test`, {})).status).toBe(202);
    const [first, second] = await flakyOps.waitFor(2);
    expect(second?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
    expect(second?.body).toBe(first?.body);
    expect(JSON.parse(String(second?.body)).type).toBe('endpoint.disabled');
    const id = String(second?.headers['webhook-id']);
    expect(String(second?.headers['webhook-signature']).split(' ')).toContain(signatureOf(secretKey(put.body.secret as string), id, Number(second?.headers['webhook-timestamp']), String(second?.body)));
    await expect.poll(async () => (await client.call('GET', `/v1/operational-endpoint/attempts?message_id=${id}`)).body.data.length, { timeout: 10_000 }).toBe(2);
    const attempts = (await client.call('GET', `/v1/operational-endpoint/attempts?message_id=${id}`)).body.data as { attempt: number; outcome: string; status_code: number }[];
    expect(attempts.map((attempt) => [attempt.attempt, attempt.outcome, attempt.status_code])).toEqual([[2, 'success', 200], [1, 'failure', 500]]);

    // Disabled: the enable notice is queued by the API and dropped by the dispatcher, not sent.
    expect((await client.call('PUT', '/v1/operational-endpoint', { url: flakyOps.url('/ops'), enabled: false })).body.enabled).toBe(false);
    expect((await client.call('POST', `/v1/endpoints/${gone}/enable`, {})).status).toBe(200);
    await expect
      .poll(async () => (await dispatcher.registry.getSingleMetricAsString('webhook_operational_notices_total')).match(/type="endpoint.enabled",outcome="dropped"[^}]*\} (\d+)/)?.[1] ?? '0', { timeout: 10_000 })
      .not.toBe('0');
    expect(flakyOps.received).toHaveLength(2);
  });
});

describe('operational deliveries and infrastructure errors', () => {
  it('a notice whose runs hit a MySQL error still gets every one of its attempts once MySQL answers again', async () => {
    const client = await api.customer(uniqueName('acct'));
    const downOps = await receiver(() => ({ status: 500 }));
    expect((await client.call('PUT', '/v1/operational-endpoint', { url: downOps.url('/ops') })).status).toBe(201);
    const gone = await endpoint(client, await receiver(() => ({ status: 410 })));
    // The worker's lookup of the operational endpoint fails (no such table) while the notice is queued and run.
    const db = fixture.database.db;
    await sql`RENAME TABLE webhook_operational_endpoints TO webhook_operational_endpoints_away`.execute(db);
    try {
      expect((await client.call('POST', `/v1/endpoints/${gone}/test`, {})).status).toBe(202);
      // Long enough for the 5 attempts of the test schedule (0,100ms,...) to be used up if errors counted.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(downOps.received).toEqual([]);
    } finally {
      await sql`RENAME TABLE webhook_operational_endpoints_away TO webhook_operational_endpoints`.execute(db);
    }
    const sent = await downOps.waitFor(5);
    expect(new Set(sent.map((request) => request.headers['webhook-id'])).size).toBe(1);
    expect(JSON.parse(String(sent[0]?.body))).toMatchObject({ type: 'endpoint.disabled', data: { endpoint_id: gone } });
    const id = String(sent[0]?.headers['webhook-id']);
    await expect.poll(async () => (await client.call('GET', `/v1/operational-endpoint/attempts?message_id=${id}`)).body.data.length, { timeout: 10_000 }).toBe(5);
    const attempts = (await client.call('GET', `/v1/operational-endpoint/attempts?message_id=${id}`)).body.data as { attempt: number }[];
    expect(attempts.map((attempt) => attempt.attempt)).toEqual([5, 4, 3, 2, 1]);
    // /healthz names the operational worker beside the delivery worker.
    expect(dispatcher.service.health()).toMatchObject({ status: 'ok', checks: { worker: 'running', operationalWorker: 'running' } });
  });
});

describe('operational notices are durable', () => {
  it('endpoint.enabled queued by the API while no dispatcher runs is delivered once one starts (PATCH disabled:false counts as an enable)', async () => {
    const client = await api.customer(uniqueName('acct'));
    const laterOps = await receiver(() => ({ status: 200 }));
    const put = await client.call('PUT', '/v1/operational-endpoint', { url: laterOps.url('/ops') });
    const id = await endpoint(client, customer);
    expect((await client.call('PATCH', `/v1/endpoints/${id}`, { disabled: true })).status).toBe(200);
    await dispatcher.stop();
    try {
      expect((await client.call('PATCH', `/v1/endpoints/${id}`, { disabled: false })).body.enabled).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(laterOps.received).toEqual([]);
    } finally {
      dispatcher = await fixture.startDispatcher(SHORT_DELAYS);
    }
    const [notice] = await laterOps.waitFor(1);
    expect(JSON.parse(String(notice?.body))).toMatchObject({ type: 'endpoint.enabled', data: { endpoint_id: id } });
    const webhookId = String(notice?.headers['webhook-id']);
    expect(String(notice?.headers['webhook-signature']).split(' ')).toContain(signatureOf(secretKey(put.body.secret as string), webhookId, Number(notice?.headers['webhook-timestamp']), String(notice?.body)));
  });
});

describe('endpoint.disabled for an endpoint failing continuously', () => {
  it('is sent once, with failing_since, though several deliveries fail at once', async () => {
    await dispatcher.stop();
    dispatcher = await fixture.startDispatcher({ ...SHORT_DELAYS, WEBHOOK_DISABLE_AFTER_MS: '400', WEBHOOK_ENDPOINT_CACHE_MS: '100' });
    const client = await api.customer(uniqueName('acct'));
    const secret = await operationalEndpoint(client);
    const failing = await endpoint(client, await receiver(() => ({ status: 500 })), Array.from({ length: 10 }, () => '100ms'));
    for (let n = 0; n < 4; n += 1) expect((await client.call('POST', `/v1/endpoints/${failing}/test`, {})).status).toBe(202);
    await expect.poll(() => noticesAbout(secret, 'endpoint.disabled', failing).length, { timeout: 20_000 }).toBe(1);
    const [disabled] = noticesAbout(secret, 'endpoint.disabled', failing);
    expect(disabled?.data).toMatchObject({ endpoint_id: failing, reason: 'failing_continuously' });
    expect(Date.parse(String(disabled?.data.failing_since))).toBeLessThan(Date.parse(String(disabled?.timestamp)));
    expect((await client.call('GET', `/v1/endpoints/${failing}`)).body).toMatchObject({ enabled: false, disabled_reason: 'failing_continuously' });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(noticesAbout(secret, 'endpoint.disabled', failing)).toHaveLength(1);
  });
});
