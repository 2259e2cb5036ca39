import { describe, expect, it } from 'vitest';
import { checkDelivery } from './support/delivery-check.js';
import { outboxCount, waitFor } from './support/relay-harness.js';
import { relayProcessSuite } from './support/relay-process-suite.js';
import { countTopic, readTopic } from './support/topic-reader.js';
import { writeEventBatches } from './support/write-events.js';

describe('relay process stopped with SIGTERM in the middle of a drain', () => {
  const suite = relayProcessSuite();

  it('finishes the batch in flight, gives its shards back and exits 0; a successor duplicates nothing', async () => {
    const written = await writeEventBatches(suite.context.database, 10_000);
    const env = suite.context.env({ RELAY_BATCH_SIZE: '100', SHUTDOWN_DEADLINE_MS: '10000' });
    const first = await suite.start(env);
    const health = await first.health();
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ state: 'RUNNING', checks: { role: 'active', ownedShards: 64 } });

    await waitFor('the drain to be under way', async () => (await countTopic(suite.context.kafka, suite.context.topic)) >= 1000, 30_000, 10);
    const stoppedAt = Date.now();
    first.signal('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    await first.waitForLog('released all shard leases', 1000);
    expect(await outboxCount(suite.context.database)).toBeGreaterThan(0);
    const owners = await suite.context.database.db.selectFrom('relay_shard_leases' as never).select('owner' as never).where('owner' as never, 'is not', null).execute();
    expect(owners).toHaveLength(0);

    // Released, not expired: the successor starts publishing at once.
    const startedAt = Date.now();
    const second = await suite.start(env);
    await waitFor('outbox drained', async () => (await outboxCount(suite.context.database)) === 0, 60_000);
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    second.signal('SIGTERM');
    expect(await second.exited).toBe(0);

    const report = checkDelivery(written, await readTopic(suite.context.kafka, suite.context.topic, { timeoutMs: 60_000 }));
    expect(report).toEqual({ missing: [], duplicated: [], inconsistentDuplicates: [], misordered: [], unexpected: [] });
  });

  it('refuses a bad setting at start, naming the variable', async () => {
    await expect(suite.start(suite.context.env({ RELAY_RENEW_INTERVAL_MS: '2000', RELAY_LEASE_MS: '3000' }), { timeoutMs: 10_000 })).rejects.toThrow(
      /RELAY_RENEW_INTERVAL_MS/,
    );
  });
});
