import { ConfigResourceTypes } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { monthlyIndexFor } from '../../shared/elasticsearch/event-index.js';
import { DEAD_LETTER_HEADERS } from '../../shared/kafka/dead-letter-headers.js';
import { GroupActiveError } from '../../services/indexer/src/errors/group-active-error.js';
import { resetGroupOffsets } from '../../services/indexer/src/replay/reset-group-offsets.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { uniqueName } from '../support/unique-name.js';
import { eventMessage, simulatedEvents } from './support/event-messages.js';
import { deleteIndices, IndexerHarness, waitFor } from './support/indexer-harness.js';
import { SpawnedProcess } from '../../testing/spawned-process.js';

let harness: IndexerHarness;

beforeEach(async () => {
  harness = await new IndexerHarness().setUp(3);
});

afterEach(async () => {
  await harness.cleanup();
});

const header = (headers: Record<string, unknown> | undefined, name: string) => String(headers?.[name] ?? '');

describe('indexer against real Kafka and Elasticsearch', () => {
  it('indexes each event once, into its monthly index behind the alias, even when it is delivered three times', async () => {
    const events = simulatedEvents(300, { accountPrefix: uniqueName('acct'), from: new Date('2026-10-20T00:00:00Z'), to: new Date('2026-11-10T00:00:00Z') });
    const messages = events.map((event) => eventMessage(event));
    // Three deliveries at three places in the log, as a relay retry or a replay produces them.
    await harness.produce(messages);
    await harness.produce(messages);
    const service = await harness.startIndexer({ INDEXER_BATCH_MAX_DOCS: '100' });
    await harness.produce(messages);

    await waitFor('every message committed', () => harness.allCommitted());
    expect(await harness.count()).toBe(300);
    expect((await service.metrics.indexed.get()).values[0]?.value).toBe(900);

    const indices = Object.keys(await harness.es.indices.get({ index: harness.names.pattern })).sort();
    expect(indices).toEqual([`${harness.prefix}-events-2026.10`, `${harness.prefix}-events-2026.11`]);
    const sample = events[0]!;
    const stored = await harness.es.get({ index: monthlyIndexFor(harness.names, sample.timestamp), id: sample.txid, routing: sample.account_id });
    expect(stored._routing).toBe(sample.account_id);
    // With where it was read (lineage): each of the three copies overwrote the document with its own position.
    const kafka = { partition: expect.any(Number), offset: expect.stringMatching(/^\d+$/), timestamp: expect.stringMatching(/^\d+$/) };
    expect(stored._source).toEqual({ ...sample, kafka, indexed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    // The template's explicit mappings apply: ip fields answer CIDR queries, enums are keywords.
    const cidr = `${sample.access_device.ip}/32`;
    expect(await harness.count({ bool: { filter: [{ term: { 'access_device.ip': cidr } }, { term: { txid: sample.txid } }] } })).toBe(1);
    const mapping = await harness.es.indices.getMapping({ index: indices[0]! });
    expect(Object.values(mapping)[0]?.mappings.properties?.reason).toEqual({ type: 'keyword' });

    // Lag per partition is measured from Kafka (committed vs high watermark): zero once caught up.
    await waitFor('lag gauge at zero', async () => (await service.metrics.consumerLagTotal.get()).values[0]?.value === 0, 10_000);
    const lag = (await service.metrics.consumerLag.get()).values;
    expect(lag.map((entry) => entry.labels.partition).sort()).toEqual(['0', '1', '2']);
    expect((await service.metrics.bulkDuration.get()).values.find((entry) => entry.metricName?.endsWith('_count'))?.value).toBeGreaterThan(0);
    expect(service.health().status).toBe('ok');
  });

  it('dead-letters every kind of bad message with its reason and the original bytes, and indexes the rest', async () => {
    // An index for January 2019 whose `factor` is a number: Elasticsearch itself refuses such events.
    await harness.es.indices.create({ index: `${harness.prefix}-events-2019.01`, mappings: { properties: { factor: { type: 'long' } } } });
    const good = [sampleEvent(), sampleEvent({ account_id: 'acct_other' })];
    const valid = eventMessage(good[0]!);
    const rejectedByElasticsearch = eventMessage(sampleEvent({ timestamp: '2019-01-15T10:00:00.000Z' }));
    const tooLarge = eventMessage(sampleEvent({ user: { key: 'DU1', name: 'big', groups: Array.from({ length: 100 }, (_, n) => `group-${n}-${'x'.repeat(200)}`) } }));
    const notJson = { ...valid, value: Buffer.from('{"txid": "half a document') };
    const { ce_id: _dropped, ...headersWithoutId } = valid.headers ?? {};
    const missingHeader = { ...eventMessage(sampleEvent()), headers: headersWithoutId };
    const invalidJson = JSON.stringify({ ...sampleEvent(), result: 'maybe' });
    const invalid = { ...eventMessage(sampleEvent()), value: Buffer.from(invalidJson) };
    const mismatch = { ...eventMessage(sampleEvent()), headers: { ...valid.headers, ce_id: 'not-the-txid' } };
    // The key is the routing the relay promised (the account): a message keyed to another account is refused.
    const wrongKey = { ...eventMessage(sampleEvent()), key: 'acct_other' };
    const messages = [valid, notJson, missingHeader, invalid, tooLarge, rejectedByElasticsearch, mismatch, wrongKey, eventMessage(good[1]!)];
    await harness.produce(messages.map((message) => ({ ...message, partition: 0 })));

    const service = await harness.startIndexer({ INDEXER_MAX_DOCUMENT_BYTES: '4096' });
    await waitFor('every message committed', () => harness.allCommitted());
    expect(await harness.count({ terms: { txid: good.map((event) => event.txid) } })).toBe(2);

    const letters = await harness.readDeadLetters(7);
    const byReason = new Map(letters.map((letter) => [header(letter.headers, DEAD_LETTER_HEADERS.reason), letter]));
    const mismatches = letters.filter((letter) => header(letter.headers, DEAD_LETTER_HEADERS.reason) === 'ID_MISMATCH').map((letter) => header(letter.headers, DEAD_LETTER_HEADERS.error));
    expect(mismatches.sort()).toEqual([expect.stringMatching(/^header ce_id not-the-txid differs/), expect.stringMatching(/^message key acct_other differs from the event's account_id acct_test/)]);
    expect([...byReason.keys()].sort()).toEqual(['DOCUMENT_TOO_LARGE', 'ES_REJECTED', 'ID_MISMATCH', 'INVALID_JSON', 'MALFORMED_CLOUD_EVENT', 'VALIDATION_FAILED']);
    const invalidLetter = byReason.get('VALIDATION_FAILED')!;
    expect(invalidLetter.value?.toString()).toBe(invalidJson);
    expect(header(invalidLetter.headers, DEAD_LETTER_HEADERS.error)).toMatch(/result/);
    expect(header(invalidLetter.headers, DEAD_LETTER_HEADERS.sourceTopic)).toBe(harness.topic);
    expect(header(invalidLetter.headers, DEAD_LETTER_HEADERS.sourcePartition)).toBe('0');
    expect(header(invalidLetter.headers, DEAD_LETTER_HEADERS.sourceOffset)).toBe('3');
    expect(header(invalidLetter.headers, DEAD_LETTER_HEADERS.consumerGroup)).toBe(harness.groupId);
    expect(header(invalidLetter.headers, 'ce_type')).toBe('authlog.authentication');
    expect(invalidLetter.key?.toString()).toBe('acct_test');
    expect(header(byReason.get('ES_REJECTED')!.headers, DEAD_LETTER_HEADERS.error)).toMatch(/parsing_exception/);
    expect(header(byReason.get('MALFORMED_CLOUD_EVENT')!.headers, DEAD_LETTER_HEADERS.error)).toMatch(/ce_id/);
    expect(byReason.get('INVALID_JSON')!.value?.toString()).toBe('{"txid": "half a document');

    const counted = (await service.metrics.deadLettered.get()).values.reduce((sum, entry) => sum + entry.value, 0);
    expect(counted).toBe(7);
  });

  it('dead-letters 1,000 documents of one account rejected in one bulk: split into sends that fit the topic, all of them arrive', async () => {
    // One account (one partition of the DLQ), one bulk, every document refused by Elasticsearch: as
    // one send these letters are a record batch of about 2 MB, over the topic's max.message.bytes.
    await harness.es.indices.create({ index: `${harness.prefix}-events-2019.01`, mappings: { properties: { factor: { type: 'long' } } } });
    const rejected = Array.from({ length: 1_000 }, () => eventMessage(sampleEvent({ account_id: 'acct_one', timestamp: '2019-01-15T10:00:00.000Z' })));
    await harness.produce(rejected.map((message) => ({ ...message, partition: 0 })));
    const service = await harness.startIndexer({ INDEXER_BATCH_MAX_DOCS: '1000', INDEXER_BATCH_LINGER_MS: '2000' });
    await waitFor('every message committed', () => harness.allCommitted(), 60_000);
    const letters = await harness.readDeadLetters(1_000, 30_000);
    expect(new Set(letters.map((letter) => header(letter.headers, 'ce_id'))).size).toBe(1_000);
    expect(letters.every((letter) => header(letter.headers, DEAD_LETTER_HEADERS.reason) === 'ES_REJECTED')).toBe(true);
    expect(letters.filter((letter) => letter.headers?.[DEAD_LETTER_HEADERS.truncated] !== undefined)).toHaveLength(0);
    const bulks = (await service.metrics.bulkDocuments.get()).values.find((entry) => entry.metricName?.endsWith('_count'))?.value;
    expect(bulks).toBe(1);
    // The topic was created to fit the largest letter: the events topic's largest message and our headers.
    const described = await harness.admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: harness.dlqTopic, configNames: ['max.message.bytes'] }] });
    expect(Number(described.resources[0]?.configEntries[0]?.configValue)).toBeGreaterThan(1_048_588);
  });

  it('replays from Kafka once the stopped group offsets are reset, from a time or from the start (README procedure)', async () => {
    const events = simulatedEvents(200, { accountPrefix: uniqueName('acct'), from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-20T00:00:00Z') });
    const [older, newer] = [events.slice(0, 100), events.slice(100)];
    await harness.produce(older.map((event) => eventMessage(event)));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const replayFrom = new Date();
    await harness.produce(newer.map((event) => eventMessage(event)));
    const first = await harness.startIndexer();
    await waitFor('every message committed', () => harness.allCommitted());
    expect(await harness.count()).toBe(200);

    // Refused while an indexer of the group runs: its next commit would undo the reset.
    await expect(resetGroupOffsets(harness.admin, { groupId: harness.groupId, topic: harness.topic, start: { earliest: true } })).rejects.toBeInstanceOf(GroupActiveError);
    await first.stop();
    // The index is lost (say a bad mapping change): Kafka still holds the events.
    await deleteIndices(harness.es, harness.names.pattern);
    expect(await harness.count()).toBe(0);

    // 1. From a time, with the documented command line.
    const cli = new SpawnedProcess('dist/services/indexer/src/replay/main.js', harness.env(), ['--from', replayFrom.toISOString()]);
    expect((await cli.exited).code).toBe(0);
    expect(JSON.parse(cli.lines.at(-1) ?? '{}')).toMatchObject({ groupId: harness.groupId, topic: harness.topic, start: replayFrom.toISOString() });
    const second = await harness.startIndexer();
    await waitFor('the replayed messages committed', () => harness.allCommitted());
    expect(await harness.count()).toBe(100);
    expect(await harness.count({ terms: { txid: newer.map((event) => event.txid) } })).toBe(100);
    await second.stop();

    // 2. From the start of the retained log.
    const offsets = await resetGroupOffsets(harness.admin, { groupId: harness.groupId, topic: harness.topic, start: { earliest: true } });
    expect(offsets.map((entry) => entry.offset)).toEqual(['0', '0', '0']);
    await harness.startIndexer();
    await waitFor('the whole topic replayed', () => harness.allCommitted());
    expect(await harness.count()).toBe(200);
  });

  it('survives rebalances: a second instance joins mid-stream and the first one leaves, with nothing lost', async () => {
    const events = simulatedEvents(3_000, { accountPrefix: uniqueName('acct'), from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-20T00:00:00Z') });
    await harness.produce(events.map((event) => eventMessage(event)));
    // Small bulks, so that both rebalances happen while messages are in flight.
    const settings = { INDEXER_BATCH_MAX_DOCS: '25', INDEXER_MAX_IN_FLIGHT_BULKS: '1', INDEXER_SESSION_TIMEOUT_MS: '6000', INDEXER_HEARTBEAT_INTERVAL_MS: '500' };
    const first = await harness.startIndexer(settings);
    await waitFor('the first instance indexing', async () => ((await first.metrics.indexed.get()).values[0]?.value ?? 0) >= 200, 20_000, 20);
    const second = await harness.startIndexer(settings);
    await waitFor('the partitions shared', () => (second.health().checks?.assignedPartitions as number[]).length > 0, 20_000, 50);
    await first.stop();
    await harness.produce(events.slice(0, 100).map((event) => eventMessage(event)));

    await waitFor('every message committed', () => harness.allCommitted(), 40_000);
    expect(await harness.count()).toBe(3_000);
    expect(second.health().checks?.assignedPartitions).toEqual([0, 1, 2]);
    const rebalances = (await second.metrics.rebalances.get()).values[0]?.value ?? 0;
    expect(rebalances).toBeGreaterThanOrEqual(2);
    expect((await second.metrics.deadLettered.get()).values.reduce((sum, entry) => sum + entry.value, 0)).toBe(0);
  });
});
