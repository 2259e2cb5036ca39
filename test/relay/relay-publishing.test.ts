import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWriter } from '../../shared/outbox/outbox-writer.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { checkDelivery, type WrittenEvent } from './support/delivery-check.js';
import { createRelayTestContext, outboxCount, startInProcessRelay, waitFor, type RelayTestContext } from './support/relay-harness.js';
import { ensureTopic } from '../../shared/kafka/topics.js';
import { partitionerFor } from '../../services/relay/src/event-publisher.js';
import { countTopic, deleteTopic, readTopic } from './support/topic-reader.js';
import { writeEvents } from './support/write-events.js';

async function metric(registry: { getSingleMetricAsString(name: string): Promise<string> }, name: string): Promise<number> {
  const text = await registry.getSingleMetricAsString(name);
  const line = text.split('\n').find((candidate) => candidate.startsWith(name) && !candidate.startsWith('#'));
  return Number(line?.split(' ').at(-1));
}

describe('relay publishing (in process)', () => {
  let context: RelayTestContext;
  beforeAll(async () => {
    context = await createRelayTestContext();
  });
  afterAll(() => context.cleanup());

  it('publishes each row once, as a CloudEvent keyed by account with the stored JSON as value, then empties the outbox', async () => {
    const written = await writeEvents(context.database, 400, { trace: true });
    const relay = await startInProcessRelay(context.env({ RELAY_BATCH_SIZE: '64' }));
    try {
      await waitFor('outbox drained', async () => (await outboxCount(context.database)) === 0 && (await countTopic(context.kafka, context.topic)) >= written.length);
      expect(await metric(relay.registry, 'relay_owned_shards')).toBe(64);
      expect(await metric(relay.registry, 'relay_published_events_total')).toBe(written.length);
      const health = relay.service.health();
      expect(health.status).toBe('ok');
      expect(health.checks).toMatchObject({ role: 'active', ownedShards: 64 });
    } finally {
      await relay.service.stop();
    }
    const received = await readTopic(context.kafka, context.topic);
    const report = checkDelivery(written, received);
    expect(report).toEqual({ missing: [], duplicated: [], inconsistentDuplicates: [], misordered: [], unexpected: [] });

    // The relay sizes requests per partition with partitionerFor: it must agree with kafkajs' own choice.
    const partitionOf = partitionerFor(6)!;
    expect(received.filter((event) => partitionOf({ key: event.accountId, value: null }) !== event.partition)).toEqual([]);

    const sample = received[0]!;
    const stored = await context.database.db.selectFrom('authlog').select(['payload', 'occurred_at', 'account_id']).where('txid', '=', sample.id).executeTakeFirstOrThrow();
    expect(sample.value.equals(Buffer.from(stored.payload))).toBe(true);
    expect(sample.accountId).toBe(stored.account_id);
    expect(sample.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: sample.id,
      ce_source: `/authlog/accounts/${stored.account_id}`,
      ce_time: stored.occurred_at.toISOString(),
      ce_dataschema: 'urn:authlog:event:v1',
      ce_schemaversion: '1',
      ce_traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`,
      'content-type': 'application/json',
    });
    expect(['authlog.authentication', 'authlog.enrollment']).toContain(sample.headers.ce_type);
    // The leases were given back on stop.
    const held = await context.database.db.selectFrom('relay_shard_leases' as never).select('owner' as never).where('owner' as never, 'is not', null).execute();
    expect(held).toHaveLength(0);
  });

  it('publishes a row whose transaction took a lower id but committed after younger rows were published', async () => {
    const writer = new OutboxWriter(context.database.db);
    const before = await countTopic(context.kafka, context.topic);
    const relay = await startInProcessRelay(context.env());
    try {
      let commit!: () => void;
      const gate = new Promise<void>((resolve) => (commit = resolve));
      const late = sampleEvent({ account_id: 'acct_late' });
      let inserted!: () => void;
      const insertedPromise = new Promise<void>((resolve) => (inserted = resolve));
      const slow = context.database.db.transaction().execute(async (trx) => {
        await writer.recordIn(trx, late);
        inserted();
        await gate;
      });
      await insertedPromise;
      const younger: WrittenEvent[] = [];
      for (let index = 0; index < 20; index += 1) {
        const event = sampleEvent({ account_id: 'acct_late' });
        const result = await writer.record(event);
        younger.push({ txid: result.txid, accountId: 'acct_late' });
      }
      try {
        await waitFor('younger rows published', async () => (await countTopic(context.kafka, context.topic)) >= before + younger.length);
        // Well past several polls: the relay has moved on beyond the uncommitted lower id.
        await new Promise((resolve) => setTimeout(resolve, 300));
      } finally {
        commit();
        await slow;
      }
      // The late row really has the lowest id of the account (it inserted first).
      const lateAuthlog = await context.database.db.selectFrom('authlog').select('id').where('txid', '=', String(late.txid)).executeTakeFirstOrThrow();
      const youngerAuthlog = await context.database.db.selectFrom('authlog').select((eb) => eb.fn.min<number>('id').as('id')).where('account_id', '=', 'acct_late').where('txid', '!=', String(late.txid)).executeTakeFirstOrThrow();
      expect(Number(lateAuthlog.id)).toBeLessThan(Number(youngerAuthlog.id));
      await waitFor('late row published', async () => (await countTopic(context.kafka, context.topic)) >= before + younger.length + 1);
      await waitFor('outbox drained', async () => (await outboxCount(context.database)) === 0);
      const received = (await readTopic(context.kafka, context.topic)).filter((event) => event.accountId === 'acct_late');
      // Kafka order of the account is its commit order: the late row after the younger ones.
      expect(checkDelivery([...younger, { txid: String(late.txid), accountId: 'acct_late' }], received)).toEqual({
        missing: [],
        duplicated: [],
        inconsistentDuplicates: [],
        misordered: [],
        unexpected: [],
      });
    } finally {
      await relay.service.stop();
    }
  });

  it('splits requests the topic refuses as too large, losing and reordering nothing', async () => {
    const topic = `${context.topic}-small`;
    const admin = context.kafka.admin();
    await admin.connect();
    await ensureTopic(admin, topic, { partitions: 1, configEntries: [{ name: 'max.message.bytes', value: '60000' }] });
    await admin.disconnect();
    const written = await writeEvents(context.database, 300, { concurrency: 3 });
    const relay = await startInProcessRelay(context.env({ RELAY_TOPIC: topic, RELAY_MAX_PARTITION_BYTES: '400000' }));
    try {
      await waitFor('outbox drained', async () => (await outboxCount(context.database)) === 0, 30_000);
      expect(await metric(relay.registry, 'relay_errors_total')).toBe(0);
      // 300 events of ~1 KB in requests of up to 400 KB, to one partition that takes 60 KB.
      const report = checkDelivery(written, await readTopic(context.kafka, topic));
      expect(report).toEqual({ missing: [], duplicated: [], inconsistentDuplicates: [], misordered: [], unexpected: [] });
    } finally {
      await relay.service.stop();
      await deleteTopic(context.kafka, topic).catch(() => undefined);
    }
  });

  it('with a retention period, marks rows published and deletes them later in chunks', async () => {
    const written = await writeEvents(context.database, 150, { concurrency: 2 });
    let settled = 0;
    let allSettledAt = 0;
    const relay = await startInProcessRelay(context.env({ RELAY_RETENTION_SECONDS: '5', RELAY_CLEANUP_INTERVAL_MS: '200', RELAY_CLEANUP_CHUNK: '40' }), {
      onSettled: (records) => {
        settled += records.length;
        if (settled === written.length) allSettledAt = Date.now();
      },
    });
    try {
      await waitFor('rows published and marked', () => allSettledAt > 0, 30_000, 10);
      const marked = await context.database.db
        .selectFrom('outbox')
        .select((eb) => [eb.fn.countAll<number>().as('all'), eb.fn.count<number>('published_at').as('published')])
        .executeTakeFirstOrThrow();
      // Kept (marked) until the retention period is over; the first were marked at most this long ago.
      expect(Date.now() - allSettledAt).toBeLessThan(4000);
      expect(Number(marked.all)).toBe(written.length);
      expect(Number(marked.published)).toBe(written.length);
      // Wait on the relay's own count, then look at the table: the counter moves only after a DELETE
      // has returned, so it can never run ahead of the table, whereas the table empties (commit) a
      // moment before the relay hears back. Waiting on the table first raced that moment.
      await waitFor('published rows cleaned after the retention period', async () => (await metric(relay.registry, 'relay_cleaned_rows_total')) >= written.length, 20_000);
      expect(await metric(relay.registry, 'relay_cleaned_rows_total')).toBe(written.length);
      expect(await outboxCount(context.database)).toBe(0);
    } finally {
      await relay.service.stop();
    }
    const received = (await readTopic(context.kafka, context.topic)).filter((event) => written.some((item) => item.txid === event.id));
    expect(checkDelivery(written, received)).toMatchObject({ missing: [], duplicated: [], misordered: [] });
  });
});
