import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { RelayDatabase } from '../../services/relay/src/relay-database.js';
import { checkDelivery, type WrittenEvent } from './support/delivery-check.js';
import { outboxCount, waitFor } from './support/relay-harness.js';
import { relayProcessSuite } from './support/relay-process-suite.js';
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
  const suite = relayProcessSuite();
  const db = () => suite.context.database.db as unknown as Kysely<RelayDatabase>;

  it('share the shards, never publish a row twice or out of order, and take over a killed instance within seconds', async () => {
    const env = suite.context.env({ RELAY_BATCH_SIZE: String(BATCH) });
    for (let index = 0; index < 3; index += 1) await suite.start({ ...env, RELAY_INSTANCE_NAME: `relay-${index}` });
    const ids = suite.processes.map((relay) => relay.instanceId);
    await waitFor('a fair share each (22/22/20)', async () => {
      const shares = await ownership(db());
      return ids.every((id) => (shares.get(id) ?? 0) >= 20) && [...shares.values()].reduce((sum, count) => sum + count, 0) === 64;
    }, 20_000);

    // Normal operation: writers commit while the three publish; nothing may be published twice.
    const written: WrittenEvent[] = await writeEvents(suite.context.database, 3000, { accounts: 60, concurrency: 6 });
    await waitFor('all published', async () => (await outboxCount(suite.context.database)) === 0 && (await countTopic(suite.context.kafka, suite.context.topic)) >= written.length, 60_000);
    const published = await Promise.all(suite.processes.map((relay) => relay.metric('relay_published_events_total')));
    expect(published.every((count) => count > 0)).toBe(true);
    expect(checkDelivery(written, await readTopic(suite.context.kafka, suite.context.topic))).toEqual({
      missing: [],
      duplicated: [],
      inconsistentDuplicates: [],
      misordered: [],
      unexpected: [],
    });

    // Kill one while writers keep going; the others must take its shards over.
    const victim = suite.processes[0]!;
    const victimShards = (await ownership(db())).get(victim.instanceId) ?? 0;
    expect(victimShards).toBeGreaterThan(0);
    const writing = writeEvents(suite.context.database, 2000, { accounts: 60, concurrency: 4, seed: 7 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    victim.signal('SIGKILL');
    const killedAt = Date.now();
    await waitFor('survivors own all 64 shards', async () => {
      const shares = await ownership(db());
      return !shares.has(victim.instanceId) && [...shares.values()].reduce((sum, count) => sum + count, 0) === 64;
    }, 15_000, 50);
    const takeoverMs = Date.now() - killedAt;
    console.info(`takeover after kill -9: ${takeoverMs} ms`);
    // Lease 3 s + a renewal round (0.5 s) + the query period: "within a few seconds".
    expect(takeoverMs).toBeLessThan(6000);
    const more = await writing;
    await waitFor('all published after the takeover', async () => (await outboxCount(suite.context.database)) === 0, 60_000);

    const report = checkDelivery([...written, ...more], await readTopic(suite.context.kafka, suite.context.topic));
    expect(report.missing).toEqual([]);
    expect(report.misordered).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(report.inconsistentDuplicates).toEqual([]);
    // Only the killed instance's unsettled batch may come twice.
    expect(report.duplicated.length).toBeLessThanOrEqual(BATCH);

    for (const relay of suite.processes.slice(1)) relay.signal('SIGTERM');
    expect(await Promise.all(suite.processes.slice(1).map((relay) => relay.exited))).toEqual([0, 0]);
  });
});
