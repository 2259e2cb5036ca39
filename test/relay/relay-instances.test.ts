import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayDatabase } from '../../services/relay/src/relay-database.js';
import { checkDelivery, type WrittenEvent } from './support/delivery-check.js';
import { createRelayTestContext, outboxCount, waitFor, type RelayTestContext } from './support/relay-harness.js';
import { RelayProcess } from './support/relay-process.js';
import { countTopic, readTopic } from './support/topic-reader.js';
import { writeEvents } from './support/write-events.js';

const BATCH = 100;

async function ownership(db: Kysely<RelayDatabase>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('relay_shard_leases').select('owner').where('lease_until', '>', new Date()).execute();
  const counts = new Map<string, number>();
  for (const row of rows) if (row.owner !== null) counts.set(row.owner, (counts.get(row.owner) ?? 0) + 1);
  return counts;
}

describe('three relay instances', () => {
  let context: RelayTestContext;
  let db: Kysely<RelayDatabase>;
  const processes: RelayProcess[] = [];
  beforeAll(async () => {
    context = await createRelayTestContext();
    db = context.database.db as unknown as Kysely<RelayDatabase>;
  });
  afterAll(async () => {
    for (const relay of processes) await relay.destroy();
    await context.cleanup();
  });

  it('share the shards, never publish a row twice or out of order, and take over a killed instance within seconds', async () => {
    const env = context.env({ RELAY_BATCH_SIZE: String(BATCH) });
    for (let index = 0; index < 3; index += 1) processes.push(await RelayProcess.start({ ...env, RELAY_INSTANCE_NAME: `relay-${index}` }));
    const ids = processes.map((relay) => relay.instanceId);
    await waitFor('a fair share each (22/22/20)', async () => {
      const shares = await ownership(db);
      return ids.every((id) => (shares.get(id) ?? 0) >= 20) && [...shares.values()].reduce((sum, count) => sum + count, 0) === 64;
    }, 20_000);

    // Normal operation: writers commit while the three publish; nothing may be published twice.
    const written: WrittenEvent[] = await writeEvents(context.database, 3000, { accounts: 60, concurrency: 6 });
    await waitFor('all published', async () => (await outboxCount(context.database)) === 0 && (await countTopic(context.kafka, context.topic)) >= written.length, 60_000);
    const published = await Promise.all(processes.map((relay) => relay.metric('relay_published_events_total')));
    expect(published.every((count) => count > 0)).toBe(true);
    expect(checkDelivery(written, await readTopic(context.kafka, context.topic))).toEqual({
      missing: [],
      duplicated: [],
      inconsistentDuplicates: [],
      misordered: [],
      unexpected: [],
    });

    // Kill one while writers keep going; the others must take its shards over.
    const victim = processes[0]!;
    const victimShards = (await ownership(db)).get(victim.instanceId) ?? 0;
    expect(victimShards).toBeGreaterThan(0);
    const writing = writeEvents(context.database, 2000, { accounts: 60, concurrency: 4, seed: 7 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    victim.signal('SIGKILL');
    const killedAt = Date.now();
    await waitFor('survivors own all 64 shards', async () => {
      const shares = await ownership(db);
      return !shares.has(victim.instanceId) && [...shares.values()].reduce((sum, count) => sum + count, 0) === 64;
    }, 15_000, 50);
    const takeoverMs = Date.now() - killedAt;
    console.info(`takeover after kill -9: ${takeoverMs} ms`);
    // Lease 3 s + a renewal round (0.5 s) + the query period: "within a few seconds".
    expect(takeoverMs).toBeLessThan(6000);
    const more = await writing;
    await waitFor('all published after the takeover', async () => (await outboxCount(context.database)) === 0, 60_000);

    const report = checkDelivery([...written, ...more], await readTopic(context.kafka, context.topic));
    expect(report.missing).toEqual([]);
    expect(report.misordered).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(report.inconsistentDuplicates).toEqual([]);
    // Only the killed instance's unsettled batch may come twice.
    expect(report.duplicated.length).toBeLessThanOrEqual(BATCH);

    for (const relay of processes.slice(1)) relay.signal('SIGTERM');
    expect(await Promise.all(processes.slice(1).map((relay) => relay.exited))).toEqual([0, 0]);
  });
});
