import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../testing/sample-event.js';
import { uniqueName } from '../support/unique-name.js';
import { startApi, type ApiClient } from './support/api-client.js';
import { Receiver } from './support/receiver.js';
import { WebhookFixture } from './support/webhook-fixture.js';

/** What a Splunk HEC token looks like; it must reach the receiver and nothing else. */
const TOKEN = `Splunk ${crypto.randomUUID()}`;
/** A second custom header: every custom value is redacted in the attempt log, not only Authorization. */
const INDEX = `index-${crypto.randomUUID()}`;
let fixture: WebhookFixture;
let api: Awaited<ReturnType<typeof startApi>>;
const logLines: string[] = [];
const receivers: Receiver[] = [];

/** Answers 401 unless the request carries the token, like Splunk's HTTP Event Collector; `failFirst` 500s on the first authorised request. */
const splunk = async (options: { failFirst?: boolean } = {}) => {
  let authorised = 0;
  const receiver = await Receiver.start((request) => {
    if (request.headers['authorization'] !== TOKEN) return { status: 401, body: 'missing or wrong token' };
    authorised += 1;
    return options.failFirst === true && authorised === 1 ? { status: 500, body: 'busy' } : { status: 200, body: 'ok' };
  });
  receivers.push(receiver);
  return receiver;
};

beforeAll(async () => {
  fixture = await WebhookFixture.create();
  // Every log line of the dispatcher, at debug: the token must appear in none.
  const capture = new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString('utf8')), done()) });
  await fixture.startDispatcher({ WEBHOOK_ENDPOINT_CACHE_MS: '200' }, pino({ level: 'debug' }, capture));
  api = await startApi(fixture);
});

afterAll(async () => {
  await api?.stop();
  await fixture?.cleanup();
  for (const receiver of receivers) await receiver.close();
});

const attemptsOf = (endpointId: string) => fixture.db.selectFrom('webhook_attempts').selectAll().where('endpoint_id', '=', endpointId).orderBy('id').execute();

describe('custom headers: the API', () => {
  let alice: ApiClient;
  beforeAll(async () => {
    alice = await api.customer(uniqueName('acct'));
  });

  it('stores them and shows names only, with *** for values, on create, get and list', async () => {
    const created = await alice.call('POST', '/v1/endpoints', { url: 'http://127.0.0.1:9/hook', headers: { Authorization: TOKEN, 'X-Splunk-Index': 'auth' } });
    expect(created.status).toBe(201);
    expect(created.body.headers).toEqual({ Authorization: '***', 'X-Splunk-Index': '***' });
    const id: string = created.body.id;
    const read = await alice.call('GET', `/v1/endpoints/${id}`);
    const list = await alice.call('GET', '/v1/endpoints');
    expect(read.body.headers).toEqual({ Authorization: '***', 'X-Splunk-Index': '***' });
    for (const answer of [created, read, list]) expect(JSON.stringify(answer.body)).not.toContain(TOKEN);
    // At rest: sealed under the fixture's key, the token nowhere in the row.
    const row = await fixture.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ headers_key_id: 'test', header_names: '["Authorization","X-Splunk-Index"]' });
    expect(row.headers_sealed?.includes(Buffer.from(TOKEN.slice(7)))).toBe(false);
  });

  it('merges a PATCH: a value sets (any case), null removes, absent names stay', async () => {
    const created = await alice.call('POST', '/v1/endpoints', { url: 'http://127.0.0.1:9/hook', headers: { Authorization: TOKEN, 'X-A': '1' } });
    const id: string = created.body.id;
    const patched = await alice.call('PATCH', `/v1/endpoints/${id}`, { headers: { 'x-a': null, 'X-B': '2', AUTHORIZATION: 'Bearer other' } });
    expect(patched.status).toBe(200);
    expect(patched.body.headers).toEqual({ AUTHORIZATION: '***', 'X-B': '***' });
    const untouched = await alice.call('PATCH', `/v1/endpoints/${id}`, { description: 'no header change' });
    expect(untouched.body.headers).toEqual({ AUTHORIZATION: '***', 'X-B': '***' });
    const cleared = await alice.call('PATCH', `/v1/endpoints/${id}`, { headers: { AUTHORIZATION: null, 'x-b': null } });
    expect(cleared.body.headers).toEqual({});
    const row = await fixture.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ header_names: '[]', headers_key_id: null, headers_sealed: null });
  });

  it('refuses reserved names with a 422 naming the header, and bad syntax or too many with a 400 naming the field', async () => {
    for (const name of ['webhook-signature', 'Webhook-Id', 'Host', 'content-length', 'Content-Type', 'Connection', 'Transfer-Encoding', 'User-Agent', 'proxy-authorization']) {
      const answer = await alice.call('POST', '/v1/endpoints', { url: 'http://127.0.0.1:9/hook', headers: { [name]: 'x' } });
      expect(answer.status, name).toBe(422);
      expect(answer.body.error).toMatchObject({ code: 'RESERVED_HEADER', field: `headers.${name}` });
    }
    const created = await alice.call('POST', '/v1/endpoints', { url: 'http://127.0.0.1:9/hook' });
    const patch = await alice.call('PATCH', `/v1/endpoints/${created.body.id}`, { headers: { 'webhook-timestamp': '1' } });
    expect(patch.status).toBe(422);
    expect(patch.body.error.field).toBe('headers.webhook-timestamp');

    const bad: [Record<string, unknown>, string][] = [
      [{ 'X-Evil': 'a\r\nX-Injected: 1' }, 'headers.X-Evil'],
      [{ 'Bad Name': 'x' }, 'headers.Bad Name'],
      [{ 'X-Empty': '' }, 'headers.X-Empty'],
      [{ 'X-Number': 5 }, 'headers.X-Number'],
      [{ 'X-Long': 'v'.repeat(2_049) }, 'headers.X-Long'],
      [{ 'X-Dup': '1', 'x-dup': '2' }, 'headers.x-dup'],
      // Refused by the body parser (prototype poisoning), never silently dropped.
      [{ ['__proto__']: 'x' }, '(body)'],
      [Object.fromEntries(Array.from({ length: 11 }, (_, n) => [`X-H${n}`, 'v'])), 'headers'],
    ];
    for (const [headers, field] of bad) {
      const answer = await alice.call('POST', '/v1/endpoints', { url: 'http://127.0.0.1:9/hook', headers });
      expect(answer.status, field).toBe(400);
      expect(answer.body.error.field, field).toBe(field);
    }
    // A refused value is not echoed back (it may be a credential with a typo).
    const echoed = await alice.call('POST', '/v1/endpoints', { url: 'http://127.0.0.1:9/hook', headers: { Authorization: `${TOKEN}\n` } });
    expect(echoed.status).toBe(400);
    expect(JSON.stringify(echoed.body)).not.toContain(TOKEN.slice(7));
    // Size is bounded for the whole set, after a PATCH merges too.
    // Quotes double in the sealed JSON: the largest set still fits its column.
    const big = await alice.call('PATCH', `/v1/endpoints/${created.body.id}`, { headers: { 'X-1': '"'.repeat(2_000), 'X-2': '\\'.repeat(2_000) } });
    expect(big.status).toBe(200);
    const tooBig = await alice.call('PATCH', `/v1/endpoints/${created.body.id}`, { headers: { 'X-3': 'v'.repeat(200) } });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'headers' });
  });
});

describe('custom headers: sent on every attempt', () => {
  it('reach a receiver that demands them on the first attempt, a BullMQ retry, a test message and a replay; never in a log line', async () => {
    const customer = await api.customer(uniqueName('acct'));
    const hec = await splunk({ failFirst: true });
    const created = await customer.call('POST', '/v1/endpoints', { url: hec.url(), headers: { Authorization: TOKEN, 'X-Splunk-Index': INDEX } });
    const id: string = created.body.id;
    const without = await splunk();
    const bare = await customer.call('POST', '/v1/endpoints', { url: without.url() });

    // An event: the in-process first attempt is answered 500, the BullMQ retry 200.
    const [event] = await fixture.produce([sampleEvent({ account_id: customer.accountId })]);
    await hec.waitFor(2);
    await expect.poll(async () => (await attemptsOf(id)).map((row) => [row.trigger_type, row.status_code])).toEqual([
      ['event', 500],
      ['event', 200],
    ]);
    // The endpoint without the header is refused by the receiver: the header is the endpoint's own.
    await without.waitFor(1);
    expect((await attemptsOf(bare.body.id))[0]).toMatchObject({ status_code: 401 });

    const test = await customer.call('POST', `/v1/endpoints/${id}/test`);
    expect(test.status).toBe(202);
    await hec.waitFor(3);
    const replay = await customer.call('POST', `/v1/endpoints/${id}/messages/${test.body.message_id}/replay`);
    expect(replay.status).toBe(202);
    await hec.waitFor(4);
    await expect.poll(async () => (await attemptsOf(id)).map((row) => [row.trigger_type, row.status_code])).toEqual([
      ['event', 500],
      ['event', 200],
      ['test', 200],
      ['replay', 200],
    ]);
    for (const request of hec.received) {
      expect(request.headers['authorization']).toBe(TOKEN);
      expect(request.headers['webhook-signature']).toMatch(/^v1,/);
      expect(request.headers['content-type']).toBe('application/json');
    }
    expect(hec.received[0]?.headers['webhook-id']).toBe(event!.txid);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toContain(TOKEN.slice(7));

    // The attempt log keeps what each attempt sent, custom values redacted, in the row and in the API.
    const rows = await attemptsOf(id);
    const listed = await customer.call('GET', `/v1/endpoints/${id}/attempts`);
    expect(listed.status).toBe(200);
    for (const text of [...rows.map((row) => row.request_headers ?? ''), JSON.stringify(listed.body)]) {
      expect(text).not.toContain(TOKEN.slice(7));
      expect(text).not.toContain(INDEX);
    }
    for (const row of rows) {
      const logged = JSON.parse(row.request_headers!) as Record<string, string>;
      const sent = hec.received.find((request) => request.headers['webhook-signature'] === logged['webhook-signature']);
      expect(sent, `attempt ${row.id}`).toBeDefined();
      expect(logged).toEqual({
        authorization: '[redacted]',
        'x-splunk-index': '[redacted]',
        'content-type': 'application/json',
        'user-agent': sent!.headers['user-agent'],
        'webhook-id': row.message_id,
        'webhook-timestamp': sent!.headers['webhook-timestamp'],
        'webhook-signature': sent!.headers['webhook-signature'],
      });
      expect(Number(logged['webhook-timestamp'])).toBeGreaterThan(0);
      const answered = (listed.body.data as { id: string; request_headers: unknown }[]).find((attempt) => attempt.id === String(row.id));
      expect(answered?.request_headers).toEqual(logged);
    }
    // Without custom headers: only ours; an attempt logged before headers were kept answers null.
    const [bareRow] = await attemptsOf(bare.body.id);
    expect(Object.keys(JSON.parse(bareRow!.request_headers!) as object).sort()).toEqual(['content-type', 'user-agent', 'webhook-id', 'webhook-signature', 'webhook-timestamp']);
    const { request_headers: _, id: __, ...older } = bareRow!;
    await fixture.db.insertInto('webhook_attempts').values({ ...older, message_id: 'logged-before-headers', attempt: 1 }).execute();
    const bareList = await customer.call('GET', `/v1/endpoints/${bare.body.id}/attempts`);
    expect(bareList.body.data.find((attempt: { message_id: string }) => attempt.message_id === 'logged-before-headers')).toMatchObject({ request_headers: null });
  });

  it('a changed header reaches the receiver once the change is announced', async () => {
    const customer = await api.customer(uniqueName('acct'));
    const hec = await splunk();
    const created = await customer.call('POST', '/v1/endpoints', { url: hec.url(), headers: { Authorization: 'Splunk wrong' } });
    const id: string = created.body.id;
    await customer.call('POST', `/v1/endpoints/${id}/test`);
    await expect.poll(async () => (await attemptsOf(id))[0]?.status_code).toBe(401);
    await customer.call('PATCH', `/v1/endpoints/${id}`, { headers: { Authorization: TOKEN } });
    const second = await customer.call('POST', `/v1/endpoints/${id}/test`);
    await expect.poll(async () => (await attemptsOf(id)).find((row) => row.message_id === second.body.message_id)?.status_code).toBe(200);
  });
});
