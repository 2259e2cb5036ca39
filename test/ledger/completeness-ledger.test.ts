import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthlyIndexFor } from '../../shared/elasticsearch/event-index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { createMetricsRegistry } from '../../shared/ops/metrics.js';
import { OutboxWriter } from '../../shared/outbox/outbox-writer.js';
import { createRedis } from '../../shared/redis/create-redis.js';
import { redisConnection } from '../../shared/redis/redis-connection.js';
import { DeliveryQueue } from '../../shared/webhooks/delivery-queue.js';
import { RetrySchedule } from '../../shared/webhooks/retry-schedule.js';
import { BackfillRepair } from '../../services/ledger/src/backfill-repair.js';
import { CompletenessLedger } from '../../services/ledger/src/completeness-ledger.js';
import type { LedgerDatabase } from '../../services/ledger/src/ledger-database.js';
import { LedgerMetrics } from '../../services/ledger/src/ledger-metrics.js';
import { RecoverRepair } from '../../services/ledger/src/recover-repair.js';
import { PipelineHarness } from '../support/pipeline-harness.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { testStack } from '../support/settings.js';
import type { Kysely } from 'kysely';

const A = 'acct_ledger_a';
const B = 'acct_ledger_b';
const HOUR = 3_600_000;
const H1 = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR;
const H2 = H1 + HOUR;
const H3 = H1 + 2 * HOUR;

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/**
 * Issue 17: the ledger on the real pipeline. Documents deleted from Elasticsearch and deliveries
 * dropped (their attempts removed, as if a receiver swallowed them and nothing was recorded) are
 * found in exactly their hours, repaired through the backfill and the recover path, and the counts
 * then match MySQL.
 */
describe('completeness ledger', () => {
  let harness: PipelineHarness;
  let receiver: Server;
  let db: Kysely<LedgerDatabase>;
  let endpointId: string;
  const txids = new Map<number, string[]>();
  const keys: Record<string, string> = {};
  const completeness = async (account: string, query: string) => {
    const response = await fetch(`${harness.url('reports')}/v1/completeness?${query}`, { headers: { authorization: `Bearer ${keys[account]}` } });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(204).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    harness = await PipelineHarness.start({ services: ['webhook-api', 'webhook-dispatcher', 'indexer', 'relay', 'reports'] });
    db = harness.database.db as unknown as Kysely<LedgerDatabase>;
    const key = await harness.createApiKey(A);
    keys[A] = key;
    keys[B] = await harness.createApiKey(B);
    const response = await fetch(`${harness.url('webhook-api')}/v1/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, filters: { results: ['denied'] } }),
    });
    endpointId = ((await response.json()) as { id: string }).id;
    // The endpoint existed before the hours the test writes into (events carry past timestamps).
    await sql`UPDATE webhook_endpoints SET created_at = ${new Date(H1 - HOUR)} WHERE id = ${endpointId}`.execute(db);

    const writer = new OutboxWriter(harness.database.db);
    for (const [hour, account, count] of [[H1, A, 12], [H2, A, 12], [H3, A, 12], [H2, B, 6]] as const) {
      for (let n = 0; n < count; n += 1) {
        const result = n % 2 === 0 ? 'denied' : 'success';
        const event = sampleEvent({ account_id: account, timestamp: new Date(hour + 60_000 + n * 1000).toISOString(), result, reason: result === 'denied' ? 'out_of_date' : 'user_approved' });
        await writer.record(event);
        if (account === A) txids.set(hour, [...(txids.get(hour) ?? []), event.txid as string]);
      }
    }
    const es = harness.elasticsearch;
    await until('every event indexed', async () => {
      await es.indices.refresh({ index: harness.names.pattern, ignore_unavailable: true, allow_no_indices: true });
      return (await es.count({ index: harness.names.alias, ignore_unavailable: true, allow_no_indices: true })).count === 42;
    });
    await until('every denial of A delivered', async () => {
      const { rows } = await sql<{ n: number }>`SELECT COUNT(DISTINCT message_id) AS n FROM webhook_attempts WHERE endpoint_id = ${endpointId} AND outcome = 'success'`.execute(db);
      return Number(rows[0]?.n) === 18;
    });
  }, 300_000);

  afterAll(async () => {
    await harness?.shutdown();
    receiver?.close();
  });

  it('finds exactly the damaged hours, repairs them, and the counts then match', async () => {
    // Damage: 3 documents of A's second hour, and the deliveries of 2 denials of A's third hour.
    const lostDocuments = txids.get(H2)!.slice(0, 3);
    for (const id of lostDocuments) await harness.elasticsearch.delete({ index: monthlyIndexFor(harness.names, new Date(H2).toISOString()), id, routing: A, refresh: true });
    const droppedDeliveries = txids.get(H3)!.filter((_, n) => n % 2 === 0).slice(0, 2);
    await sql`DELETE FROM webhook_attempts WHERE endpoint_id = ${endpointId} AND message_id IN (${sql.join(droppedDeliveries)})`.execute(db);

    const registry = createMetricsRegistry('ledger-test', { processMetrics: false });
    const metrics = new LedgerMetrics(registry);
    const redis = createRedis(redisConnection(testStack.settings), { maxRetriesPerRequest: null });
    const queue = new DeliveryQueue(redis, { name: 'webhook-deliveries', prefix: harness.redisPrefix }, RetrySchedule.parse('0,1s,2s', 0), silentLogger);
    const stop = new AbortController();
    const ledger = new CompletenessLedger({
      db,
      elasticsearch: harness.elasticsearch,
      names: harness.names,
      documents: new BackfillRepair({ db, elasticsearch: harness.elasticsearch, names: harness.names, logger: silentLogger, bulkTimeoutMs: 30_000, maxDocumentBytes: 1_000_000, stop: stop.signal }),
      deliveries: new RecoverRepair(db, queue, silentLogger),
      metrics,
      logger: silentLogger,
      closeAfterMs: 60_000,
      chunkHours: 24,
      startAt: new Date(H1),
      maxRequeuePerHour: 1_000,
    });
    try {
      const first = await ledger.round();
      expect(first).toMatchObject({ documentGaps: 1, deliveryGaps: 1 });
      const hours = await db.selectFrom('completeness_hours').selectAll().orderBy('account_id').orderBy('hour_start').execute();
      expect(hours.map((row) => [row.account_id, row.hour_start.getTime(), row.committed, row.indexed, row.documents_missing, row.documents_repaired, row.status])).toEqual([
        [A, H1, 12, 12, 0, 0, 'complete'],
        [A, H2, 12, 12, 3, 3, 'repaired'],
        [A, H3, 12, 12, 0, 0, 'complete'],
        [B, H2, 6, 6, 0, 0, 'complete'],
      ]);
      const endpointHours = async () => db.selectFrom('completeness_endpoint_hours').selectAll().orderBy('hour_start').execute();
      expect((await endpointHours()).map((row) => [row.hour_start.getTime(), row.matched, row.settled, row.deliveries_missing, row.deliveries_requeued, row.status])).toEqual([
        [H1, 6, 6, 0, 0, 'complete'],
        [H2, 6, 6, 0, 0, 'complete'],
        [H3, 6, 4, 2, 2, 'requeued'],
      ]);
      // The documents are back, the same ones.
      const { count } = await harness.elasticsearch.count({ index: harness.names.alias, query: { ids: { values: lostDocuments } } });
      expect(count).toBe(3);

      // The dispatcher delivers the requeued messages; the next round sees the hour complete.
      await until('the dropped deliveries sent again', async () => {
        const { rows } = await sql<{ n: number }>`SELECT COUNT(DISTINCT message_id) AS n FROM webhook_attempts WHERE endpoint_id = ${endpointId} AND outcome = 'success' AND message_id IN (${sql.join(droppedDeliveries)})`.execute(db);
        return Number(rows[0]?.n) === 2;
      });
      const second = await ledger.round();
      expect(second.accountHours).toBe(0); // nothing new is closed
      expect((await endpointHours()).map((row) => [row.hour_start.getTime(), row.settled, row.status])).toEqual([
        [H1, 6, 'complete'],
        [H2, 6, 'complete'],
        [H3, 6, 'repaired'],
      ]);
      const text = await registry.metrics();
      expect(text).toMatch(/ledger_gaps_found_total\{[^}]*kind="documents"[^}]*\} 1\n/);
      expect(text).toMatch(/ledger_gaps_found_total\{[^}]*kind="deliveries"[^}]*\} 1\n/);
      expect(text).toMatch(/ledger_gaps_repaired_total\{[^}]*kind="documents"[^}]*\} 1\n/);
      expect(text).toMatch(/ledger_gaps_repaired_total\{[^}]*kind="deliveries"[^}]*\} 1\n/);

      // The customer's view: their account only, hours complete / repaired / open, and the CSV.
      const range = `from=${new Date(H1).toISOString()}&to=${new Date(H3 + HOUR).toISOString()}`;
      const mine = await completeness(A, range);
      expect(mine.status).toBe(200);
      const answer = JSON.parse(mine.text) as { account_id: string; summary: Record<string, number>; hours: { hour_start: string; status: string; committed: number; indexed: number }[] };
      expect(answer.account_id).toBe(A);
      expect(answer.summary).toEqual({ hours_complete: 1, hours_repaired: 2, hours_repairing: 0, hours_gap: 0, hours_open: 0 });
      expect(answer.hours.map((hour) => [Date.parse(hour.hour_start), hour.status, hour.committed, hour.indexed])).toEqual([
        [H1, 'complete', 12, 12],
        [H2, 'repaired', 12, 12],
        [H3, 'repaired', 12, 12],
      ]);
      const theirs = JSON.parse((await completeness(B, range)).text) as { account_id: string; hours: { hour_start: string }[] };
      expect(theirs.account_id).toBe(B);
      expect(theirs.hours.map((hour) => Date.parse(hour.hour_start))).toEqual([H2]);
      const csv = await completeness(A, `${range}&format=csv`);
      expect(csv.type).toMatch(/^text\/csv/);
      const lines = csv.text.trim().split('\n');
      expect(lines[0]).toBe('hour_start,status,committed,indexed,documents_missing,documents_repaired,endpoint_id,matched,settled,deliveries_missing,deliveries_requeued,endpoint_status');
      expect(lines.slice(1)).toEqual([
        `${new Date(H1).toISOString()},complete,12,12,0,0,${endpointId},6,6,0,0,complete`,
        `${new Date(H2).toISOString()},repaired,12,12,3,3,${endpointId},6,6,0,0,complete`,
        `${new Date(H3).toISOString()},repaired,12,12,0,0,${endpointId},6,6,0,2,repaired`,
      ]);
      expect((await completeness(A, 'from=yesterday')).status).toBe(400);
    } finally {
      stop.abort();
      await queue.close();
      redis.disconnect();
    }
  });

  it('runs as a service: healthy, fills rounds on its own, drains on SIGTERM', async () => {
    const child = await harness.startService('ledger');
    await until('a ledger round', async () => {
      const text = await (await fetch(`http://127.0.0.1:${child.opsPort}/metrics`)).text();
      return /ledger_next_hour_timestamp_seconds(\{[^}]*\})? [1-9]/.test(text) || /"lastRound":"/.test(await (await fetch(`http://127.0.0.1:${child.opsPort}/healthz`)).text());
    }, 30_000);
    const health = (await (await fetch(`http://127.0.0.1:${child.opsPort}/healthz`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    harness.processes.delete('ledger');
    await child.stop(30_000);
    expect((await child.exited).code).toBe(0);
  });
});
