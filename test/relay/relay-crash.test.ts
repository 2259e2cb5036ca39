import { describe, expect, it } from 'vitest';
import { checkDelivery } from './support/delivery-check.js';
import { outboxCount, waitFor } from './support/relay-harness.js';
import { relayProcessSuite } from './support/relay-process-suite.js';
import { countTopic, readTopic } from './support/topic-reader.js';
import { writeEventBatches } from './support/write-events.js';

const BATCH = 100;

describe('relay process killed with SIGKILL in the middle of a drain', () => {
  const suite = relayProcessSuite();

  it('publishes every row after a restart; duplicates only of the unacknowledged batch, identical', async () => {
    const written = await writeEventBatches(suite.context.database, 10_000);
    const env = suite.context.env({ RELAY_BATCH_SIZE: String(BATCH) });
    const first = await suite.start(env);
    await waitFor('the drain to be under way', async () => (await countTopic(suite.context.kafka, suite.context.topic)) >= 1000, 30_000, 10);
    first.signal('SIGKILL');
    expect(await first.exited).toBeNull();
    const left = await outboxCount(suite.context.database);
    // The kill must have hit a drain in progress, or this test proves nothing.
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(written.length);

    const killedAt = Date.now();
    const second = await suite.start(env);
    await second.waitForLog('acquired shard leases', 15_000);
    // The dead instance's leases (3 s here) had to expire first.
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    await waitFor('outbox drained', async () => (await outboxCount(suite.context.database)) === 0, 60_000);
    second.signal('SIGTERM');
    expect(await second.exited).toBe(0);

    const report = checkDelivery(written, await readTopic(suite.context.kafka, suite.context.topic, { timeoutMs: 60_000 }));
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(report.misordered).toEqual([]);
    expect(report.inconsistentDuplicates).toEqual([]);
    expect(report.duplicated.length).toBeLessThanOrEqual(BATCH);
  });
});
