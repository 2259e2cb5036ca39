import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWriter } from '../../shared/outbox/outbox-writer.js';
import { PipelineHarness } from '../support/pipeline-harness.js';
import { sampleEvent } from '../../testing/sample-event.js';

const ACCOUNT = 'acct_trace';
const OTHER = 'acct_trace_other';

interface Trace {
  txid: string;
  account_id: string;
  committed: { status: string; at: string };
  published: { status: string; partition?: number; offset?: string; acked_at?: string };
  indexed: { status: string; index?: string; indexed_at?: string; detail?: string };
  webhooks: { endpoint_id: string; filters_match: boolean; status: string; detail: string; attempts: { attempt: number; outcome: string; status_code: number | null; latency_ms: number }[] }[];
}

/** A receiver that answers 500 to the first two deliveries of every message, then 204. */
async function flakyReceiver(): Promise<{ server: Server; url: string }> {
  const seen = new Map<string, number>();
  const server = createServer((request, response) => {
    const id = String(request.headers['webhook-id']);
    const count = (seen.get(id) ?? 0) + 1;
    seen.set(id, count);
    request.resume();
    request.on('end', () => response.writeHead(count <= 2 ? 500 : 204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Issue 17: the trace of one event on the real pipeline (relay, indexer, dispatcher, webhook API, reports). */
describe('GET /v1/events/:txid/trace', () => {
  let harness: PipelineHarness;
  let receiver: { server: Server; url: string };
  const keys: Record<string, string> = {};
  const endpoints: Record<string, string> = {};

  const api = async (path: string, init: { method?: string; body?: unknown; account?: string } = {}) => {
    const response = await fetch(`${harness.url('webhook-api')}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${keys[init.account ?? ACCOUNT]}`, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    expect(response.status, `${path}: ${await response.clone().text()}`).toBeLessThan(300);
    return (await response.json()) as { id: string };
  };
  const trace = async (txid: string, account = ACCOUNT) => {
    const response = await fetch(`${harness.url('reports')}/v1/events/${encodeURIComponent(txid)}/trace`, { headers: { authorization: `Bearer ${keys[account]}` } });
    return { status: response.status, body: (await response.json()) as Trace & { error?: { code: string; field?: string } } };
  };
  const record = (result: 'success' | 'denied') =>
    new OutboxWriter(harness.database.db).record(
      sampleEvent({ account_id: ACCOUNT, timestamp: new Date().toISOString(), result, reason: result === 'success' ? 'user_approved' : 'out_of_date' }),
    );

  beforeAll(async () => {
    receiver = await flakyReceiver();
    harness = await PipelineHarness.start({ services: ['webhook-api', 'webhook-dispatcher', 'indexer', 'relay', 'reports'], webhookRetrySchedule: '0,1s,1s,1s' });
    keys[ACCOUNT] = await harness.createApiKey(ACCOUNT);
    keys[OTHER] = await harness.createApiKey(OTHER);
    endpoints.denials = (await api('/v1/endpoints', { method: 'POST', body: { url: receiver.url, description: 'denials', filters: { results: ['denied'] } } })).id;
    endpoints.disabled = (await api('/v1/endpoints', { method: 'POST', body: { url: receiver.url, description: 'off' } })).id;
    await api(`/v1/endpoints/${endpoints.disabled}`, { method: 'PATCH', body: { disabled: true } });
  }, 240_000);

  afterAll(async () => {
    await harness?.shutdown();
    receiver?.server.close();
  });

  it('follows an event through every hop: filtered out, delivered after two retries, a disabled endpoint, an endpoint created later', async () => {
    const allowed = await record('success');
    const denied = await record('denied');
    const delivered = await until('the denial delivered', async () => {
      // 503 while a new monthly index's shard is being allocated: the trace says so, we ask again.
      const { status, body } = await trace(denied.txid);
      if (status !== 200) return undefined;
      const hop = body.webhooks.find((item) => item.endpoint_id === endpoints.denials);
      return hop?.status === 'delivered' && body.indexed.status === 'done' ? body : undefined;
    });
    expect(delivered.committed.status).toBe('done');
    expect(delivered.published).toMatchObject({ status: 'done', partition: expect.any(Number), offset: expect.any(String), acked_at: expect.any(String) });
    expect(Date.parse(delivered.published.acked_at!)).toBeGreaterThanOrEqual(Date.parse(delivered.committed.at) - 5);
    expect(delivered.indexed).toMatchObject({ status: 'done', index: `${harness.names.prefix}-events-${new Date().toISOString().slice(0, 7).replace('-', '.')}`, indexed_at: expect.any(String) });
    const denials = delivered.webhooks.find((item) => item.endpoint_id === endpoints.denials)!;
    expect(denials.filters_match).toBe(true);
    expect(denials.attempts.map((attempt) => [attempt.attempt, attempt.outcome, attempt.status_code])).toEqual([
      [1, 'failure', 500],
      [2, 'failure', 500],
      [3, 'success', 204],
    ]);
    expect(delivered.webhooks.find((item) => item.endpoint_id === endpoints.disabled)).toMatchObject({ status: 'endpoint_disabled', filters_match: true, attempts: [] });

    const { body: first } = await until('the success indexed', async () => {
      const answer = await trace(allowed.txid);
      return answer.status === 200 && answer.body.indexed.status === 'done' ? answer : undefined;
    });
    expect(first.webhooks.find((item) => item.endpoint_id === endpoints.denials)).toMatchObject({ status: 'filtered_out', filters_match: false, attempts: [] });
    expect(first.webhooks.find((item) => item.endpoint_id === endpoints.disabled)).toMatchObject({ status: 'endpoint_disabled' });

    const later = (await api('/v1/endpoints', { method: 'POST', body: { url: receiver.url, description: 'later' } })).id;
    const { body: again } = await trace(allowed.txid);
    expect(again.webhooks.find((item) => item.endpoint_id === later)).toMatchObject({ status: 'created_after_event', filters_match: true });
  });

  it('says "not yet" for an event published but not indexed (indexer stopped)', async () => {
    await harness.process('indexer').stop(30_000);
    harness.processes.delete('indexer');
    const waiting = await record('success');
    const body = await until('published', async () => {
      const answer = await trace(waiting.txid);
      return answer.status === 200 && answer.body.published.status === 'done' ? answer.body : undefined;
    });
    expect(body.indexed).toMatchObject({ status: 'not_yet' });
    expect(body.indexed.detail).toMatch(/not in the index \d+ s after publication/);
    // The position is read from the document: published (the outbox row is gone), where is not known yet.
    expect(body.published.partition).toBeUndefined();
    expect((body.published as { detail?: string }).detail).toMatch(/known once the event is indexed/);
  });

  it('answers another account exactly as an unknown event, and names a bad txid', async () => {
    const mine = await record('success');
    const foreign = await trace(mine.txid, OTHER);
    const unknown = await trace('no-such-event', OTHER);
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(foreign.body).toEqual(unknown.body);
    const bad = await trace('bad txid!');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.field).toBe('txid');
    const unauthenticated = await fetch(`${harness.url('reports')}/v1/events/${mine.txid}/trace`);
    expect(unauthenticated.status).toBe(401);
  });
});
