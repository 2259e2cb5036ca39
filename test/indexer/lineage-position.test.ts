import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { monthlyIndexFor } from '../../shared/elasticsearch/event-index.js';
import { eventMappings } from '../../shared/elasticsearch/event-mappings.js';
import type { EventDocument } from '../../shared/elasticsearch/event-document.js';
import { readRecords } from '../support/read-messages.js';
import { uniqueName } from '../support/unique-name.js';
import { eventMessage, simulatedEvents } from './support/event-messages.js';
import { IndexerHarness, waitFor } from './support/indexer-harness.js';

let harness: IndexerHarness;

beforeEach(async () => {
  harness = await new IndexerHarness().setUp(3);
});

afterEach(async () => {
  await harness.cleanup();
});

/** Every message of the topic with where it is, read back by a consumer of our own. */
async function positions(count: number): Promise<Map<string, { partition: number; offset: string; timestamp: string }>> {
  const records = await readRecords(harness.kafka, harness.topic, count);
  return new Map(records.map(({ partition, message }) => [String(message.headers?.ce_id), { partition, offset: message.offset, timestamp: message.timestamp }]));
}

/**
 * Issue 17, lineage: the relay records nothing; the indexer writes into each document the Kafka
 * partition, offset and record timestamp it read the event at, which the trace API answers from.
 */
describe('indexer: where each event was read from Kafka, in its document', () => {
  it('writes partition, offset and timestamp of the message into each document, also into an index created before the field existed', async () => {
    const events = simulatedEvents(60, { accountPrefix: uniqueName('acct'), from: new Date('2026-11-02T00:00:00Z'), to: new Date('2026-11-20T00:00:00Z') });
    // An index made by an older template (no `kafka` in its strict mapping): the indexer must add
    // the field at start, or every document would be refused and dead-lettered.
    const { kafka: _added, ...olderProperties } = eventMappings.properties!;
    const existing = monthlyIndexFor(harness.names, events[0]!.timestamp);
    await harness.es.indices.create({ index: existing, mappings: { ...eventMappings, properties: olderProperties }, aliases: { [harness.names.alias]: {} } });

    const sentAt = Date.now();
    await harness.produce(events.map((event) => eventMessage(event)));
    const service = await harness.startIndexer();
    await waitFor('every message committed', () => harness.allCommitted());
    expect(await harness.count()).toBe(events.length);
    expect((await service.metrics.deadLettered.get()).values.reduce((sum, entry) => sum + entry.value, 0)).toBe(0);

    const where = await positions(events.length);
    await harness.es.indices.refresh({ index: harness.names.pattern });
    const found = await harness.es.search<EventDocument>({ index: harness.names.alias, size: events.length, _source: ['txid', 'kafka'] });
    expect(found.hits.hits).toHaveLength(events.length);
    for (const hit of found.hits.hits) {
      const message = where.get(hit._id!);
      expect(message, hit._id).toBeDefined();
      expect(hit._source?.kafka).toEqual(message);
      expect(Number(hit._source?.kafka?.timestamp)).toBeGreaterThanOrEqual(sentAt - 1000);
    }
    const mapping = await harness.es.indices.getMapping({ index: existing });
    expect(Object.values(mapping)[0]?.mappings.properties?.kafka).toEqual({ type: 'object', enabled: false });
  });
});
