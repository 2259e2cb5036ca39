import { Partitioners, type Consumer, type EachBatchPayload, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log/logger.js';
import { createKafka } from '../../shared/kafka/create-kafka.js';
import { ensureTopic } from '../../shared/kafka/topics.js';
import { testSettings } from '../support/settings.js';
import { uniqueName } from '../support/unique-name.js';
import { kafkaConnection } from '../../shared/kafka/kafka-connection.js';

let kafka: Kafka;
const topic = uniqueName('stack-proof');
const groupId = uniqueName('stack-proof-group');

beforeAll(async () => {
  kafka = createKafka({ clientId: 'stack-proof', connection: kafkaConnection(testSettings), logger: silentLogger });
  const admin = kafka.admin();
  await admin.connect();
  expect(await ensureTopic(admin, topic, { partitions: 4 })).toEqual({ created: true });
  // Created means served: every partition has a leader that answers for it, right away.
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  expect(metadata?.partitions).toHaveLength(4);
  expect(metadata?.partitions.filter((partition) => partition.partitionErrorCode !== 0 || partition.leader < 0)).toEqual([]);
  expect(await admin.fetchTopicOffsets(topic)).toHaveLength(4);
  expect(await ensureTopic(admin, topic, { partitions: 4 })).toEqual({ created: false });
  await admin.disconnect();
});

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
});

/** Consumes until `count` messages arrived, committing offsets by hand after each batch; then stops. */
async function consume(count: number): Promise<{ key: string; value: string; partition: number }[]> {
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: { key: string; value: string; partition: number }[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat }: EachBatchPayload) => {
          let last: string | undefined;
          for (const message of batch.messages) {
            if (received.length >= count) break;
            received.push({ key: String(message.key), value: String(message.value), partition: batch.partition });
            resolveOffset(message.offset);
            last = message.offset;
          }
          // The offset committed is the next one to read, hence +1.
          if (last !== undefined) await consumer.commitOffsets([{ topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
          await heartbeat();
          if (received.length >= count) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return received;
}

describe('kafkajs against the local broker', () => {
  it('produces keyed messages, keeps per-key order, and resumes a group at its committed offset', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const keys = ['acct_1', 'acct_2', 'acct_3', 'acct_4', 'acct_5'];
    const first = keys.flatMap((key) => [0, 1, 2, 3].map((n) => ({ key, value: `${key}:${n}` })));
    await producer.send({ topic, acks: -1, messages: first });

    const round1 = await consume(first.length);
    expect(round1).toHaveLength(first.length);
    for (const key of keys) {
      const mine = round1.filter((message) => message.key === key);
      expect(mine.map((message) => message.value)).toEqual([0, 1, 2, 3].map((n) => `${key}:${n}`));
      expect(new Set(mine.map((message) => message.partition)).size).toBe(1);
    }

    const second = keys.map((key) => ({ key, value: `${key}:after-restart` }));
    await producer.send({ topic, acks: -1, messages: second });
    await producer.disconnect();

    // A new consumer in the same group starts from the committed offsets: only the new messages.
    const round2 = await consume(second.length);
    expect(round2.map((message) => message.value).sort()).toEqual(second.map((message) => message.value).sort());
  });
});
