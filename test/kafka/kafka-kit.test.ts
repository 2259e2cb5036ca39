import { ConfigResourceTypes, type Admin, type Kafka, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../shared/kafka/dead-letter.js';
import { DEAD_LETTER_HEADERS } from '../../shared/kafka/dead-letter-headers.js';
import { DeadLetterPublisher } from '../../shared/kafka/dead-letter-publisher.js';
import { TopicMissingError } from '../../shared/kafka/errors/topic-missing-error.js';
import { ensureTopic } from '../../shared/kafka/topics.js';
import { waitForTopic } from '../../shared/kafka/wait-for-topic.js';
import { readMessages } from '../support/read-messages.js';
import { connectKafkaTestClients, type KafkaTestClients } from '../support/kafka-test-clients.js';
import { uniqueName } from '../support/unique-name.js';

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
const topics: string[] = [];

let clients: KafkaTestClients | undefined;

beforeAll(async () => {
  clients = await connectKafkaTestClients('kafka-kit-test', topics);
  ({ kafka, admin, producer } = clients);
});

afterAll(async () => {
  await clients?.close();
});

function topicName(what: string): string {
  const name = uniqueName(what);
  topics.push(name);
  return name;
}

const letter = (index: number, valueBytes: number): DeadLetter => ({
  topic: 'events',
  partition: 0,
  offset: String(index),
  timestamp: '0',
  key: Buffer.from('acct_one'),
  value: Buffer.alloc(valueBytes, 0x61),
  headers: { ce_id: Buffer.from(`tx-${index}`) },
  reason: 'VALIDATION_FAILED',
  error: 'result: one of the 3 results',
});

describe('waitForTopic', () => {
  it('waits for a topic created meanwhile, then its partitions answer; a topic that never comes is a TopicMissingError', async () => {
    const later = topicName('kit-later');
    const created = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // Like the relay: no wait for the leaders here, the consumer's wait must cover it.
      await admin.createTopics({ topics: [{ topic: later, numPartitions: 4 }], waitForLeaders: false });
    })();
    await waitForTopic(admin, later, { waitMs: 20_000, pollMs: 100 });
    await created;
    const offsets = await admin.fetchTopicOffsets(later);
    expect(offsets.map((entry) => entry.partition).sort()).toEqual([0, 1, 2, 3]);

    const never = uniqueName('kit-never');
    const error = await waitForTopic(admin, never, { waitMs: 300, pollMs: 100 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TopicMissingError);
    expect((error as Error).message).toMatch(new RegExp(`${never} does not exist`));
  });
});

describe('DeadLetterPublisher', () => {
  it('creates the dead-letter topic with room for the largest message of its source topic plus our headers', async () => {
    const source = topicName('kit-source');
    await ensureTopic(admin, source, { partitions: 1, configEntries: [{ name: 'max.message.bytes', value: '200000' }] });
    const dlq = topicName('kit-dlq');
    const publisher = new DeadLetterPublisher(producer, { topic: dlq, consumerGroup: 'kit', backoff: { initialMs: 50, maxMs: 200, factor: 2 } }, { published: () => undefined, publishRetry: () => undefined });
    await publisher.ensureTopic(admin, { partitions: 1, sourceTopic: source });
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: dlq, configNames: ['max.message.bytes'] }] });
    expect(Number(described.resources[0]?.configEntries[0]?.configValue)).toBe(200_000 + 64 * 1024);
  });

  it('gets every letter into a topic smaller than it was told: splits on MESSAGE_TOO_LARGE, cuts the one that fits nowhere', async () => {
    // A dead-letter topic created elsewhere with a small limit, which the publisher was not told about.
    const dlq = topicName('kit-small-dlq');
    await ensureTopic(admin, dlq, { partitions: 1, configEntries: [{ name: 'max.message.bytes', value: '40000' }] });
    const published: string[] = [];
    const retries: unknown[] = [];
    const cut: string[] = [];
    const publisher = new DeadLetterPublisher(
      producer,
      { topic: dlq, consumerGroup: 'kit-group', backoff: { initialMs: 50, maxMs: 200, factor: 2 } },
      { published: (reason) => published.push(reason), publishRetry: (error) => retries.push(error), truncated: (entry) => cut.push(entry.offset) },
    );
    const letters = [...Array.from({ length: 100 }, (_, index) => letter(index, 3_000)), letter(100, 100_000)];
    await publisher.publish(letters, new AbortController().signal);
    expect(published).toHaveLength(101);
    expect(retries).toHaveLength(0);
    expect(cut).toEqual(['100']);

    const received = await readMessages(kafka, dlq, 101);
    expect(received.map((message) => String(message.headers?.[DEAD_LETTER_HEADERS.sourceOffset]))).toEqual(letters.map((entry) => entry.offset));
    const big = received[100]!;
    expect(String(big.headers?.[DEAD_LETTER_HEADERS.truncated])).toBe('value of 100000 bytes cut to fit');
    expect(big.value!.length).toBeGreaterThan(5_000);
    expect(String(received[0]!.headers?.[DEAD_LETTER_HEADERS.consumerGroup])).toBe('kit-group');
    expect(String(received[0]!.headers?.[DEAD_LETTER_HEADERS.reason])).toBe('VALIDATION_FAILED');
    expect(String(received[0]!.headers?.ce_id)).toBe('tx-0');
  });
});
