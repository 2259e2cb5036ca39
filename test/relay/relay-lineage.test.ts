import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayTestContext, outboxCount, startInProcessRelay, waitFor, type RelayTestContext } from './support/relay-harness.js';
import { countTopic, readTopic } from './support/topic-reader.js';
import { writeEvents } from './support/write-events.js';

interface PublicationRow {
  txid: string;
  kafka_partition: number;
  kafka_offset: string;
  acked_at: Date;
  publications: number;
  recorded_at: Date;
}

/** Issue 17: the relay records where Kafka put each event, for the trace API. */
describe('relay lineage (event_publications)', () => {
  let context: RelayTestContext;
  beforeAll(async () => {
    context = await createRelayTestContext();
  });
  afterAll(() => context.cleanup());

  it('records for every published event the partition and offset Kafka gave it and the ack time, in the settle', async () => {
    const written = await writeEvents(context.database, 300);
    const relay = await startInProcessRelay(context.env({ RELAY_BATCH_SIZE: '50' }));
    try {
      await waitFor('outbox drained', async () => (await outboxCount(context.database)) === 0 && (await countTopic(context.kafka, context.topic)) >= written.length);
    } finally {
      await relay.service.stop();
    }
    const received = await readTopic(context.kafka, context.topic);
    const { rows } = await sql<PublicationRow>`
      SELECT a.txid, p.kafka_partition, CAST(p.kafka_offset AS CHAR) AS kafka_offset, p.acked_at, p.publications, a.recorded_at
      FROM event_publications p JOIN authlog a ON a.id = p.authlog_id`.execute(context.database.db);
    expect(rows).toHaveLength(written.length);
    const recorded = new Map(rows.map((row) => [row.txid, row]));
    for (const event of received) {
      const row = recorded.get(event.id);
      expect(row, event.id).toBeDefined();
      expect({ partition: row!.kafka_partition, offset: Number(row!.kafka_offset), publications: row!.publications }).toEqual({
        partition: event.partition,
        offset: event.offset,
        publications: 1,
      });
      // Acknowledged after the commit, and not long after (both clocks are this machine's).
      expect(row!.acked_at.getTime()).toBeGreaterThanOrEqual(row!.recorded_at.getTime() - 5);
      expect(row!.acked_at.getTime()).toBeLessThan(Date.now() + 1000);
    }
  });
});
