import kafkajs, { type Admin, type Kafka, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthEvent } from '../../shared/event/parse-auth-event.js';
import { FirehoseConsumer } from '../../shared/firehose/firehose-consumer.js';
import type { FirehoseEvent, FirehoseHandler } from '../../shared/firehose/firehose-event.js';
import { FirehoseRejection } from '../../shared/firehose/firehose-rejection.js';
import { eventAttributes, toKafkaMessage } from '../../shared/kafka/cloud-event.js';
import { DEAD_LETTER_HEADERS } from '../../shared/kafka/dead-letter-headers.js';
import { silentLogger } from '../../shared/log/logger.js';
import { readMessages } from '../support/read-messages.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { connectKafkaTestClients, type KafkaTestClients } from '../support/kafka-test-clients.js';
import { uniqueName } from '../support/unique-name.js';

const { ConfigResourceTypes } = kafkajs;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
const topics: string[] = [];
const fast = { initialMs: 20, maxMs: 100, factor: 2 };

let clients: KafkaTestClients | undefined;

beforeAll(async () => {
  clients = await connectKafkaTestClients('firehose-test', topics);
  ({ kafka, admin, producer } = clients);
});

afterAll(async () => {
  await clients?.close();
});

async function newTopic(): Promise<string> {
  const topic = uniqueName('firehose');
  topics.push(topic);
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
  return topic;
}

function eventMessage(account: string, sequence: number) {
  const event = parseAuthEvent(sampleEvent({ account_id: account, txid: `${account}-${sequence}` }));
  return toKafkaMessage(eventAttributes(event), JSON.stringify(event));
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function committed(groupId: string, topic: string): Promise<number> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (entry?.partitions ?? []).reduce((sum, partition) => sum + Math.max(0, Number(partition.offset)), 0);
}

describe('FirehoseConsumer', () => {
  it('hands valid events over in order per account, retries a failing handler, dead-letters what does not decode or is rejected, and commits after the handler', async () => {
    const topic = await newTopic();
    const accounts = ['acct_a', 'acct_b', 'acct_c'];
    const messages = accounts.flatMap((account) => Array.from({ length: 20 }, (_, sequence) => eventMessage(account, sequence)));
    const garbage = { ...eventMessage('acct_a', 99), value: '{not json' };
    const invalid = { ...eventMessage('acct_b', 98), value: JSON.stringify({ ...parseAuthEvent(sampleEvent({ account_id: 'acct_b', txid: 'acct_b-98' })), factor: 'carrier_pigeon' }) };
    await producer.send({ topic, messages: [...messages.slice(0, 30), garbage, invalid, ...messages.slice(30)] });

    const seen: FirehoseEvent[] = [];
    let failures = 0;
    const handler: FirehoseHandler = async (event) => {
      if (event.id === 'acct_c-5' && failures < 2) {
        failures += 1;
        throw new Error('downstream briefly unavailable');
      }
      if (event.id === 'acct_a-7') throw new FirehoseRejection('user key is on our block list');
      seen.push(event);
    };
    const groupId = uniqueName('firehose-group');
    const consumer = new FirehoseConsumer({ kafka, topic, groupId, handler, logger: silentLogger, backoff: fast, commitEvery: 7 });
    await consumer.start();
    try {
      await until(() => seen.length === 59, '59 handled events');
    } finally {
      await consumer.stop();
    }
    expect(failures).toBe(2);
    for (const account of accounts) {
      const ids = seen.filter((entry) => entry.event.account_id === account).map((entry) => entry.id);
      const expected = Array.from({ length: 20 }, (_, sequence) => `${account}-${sequence}`).filter((id) => id !== 'acct_a-7');
      expect(ids).toEqual(expected);
    }
    expect(seen[0]!.type).toBe('authlog.authentication');
    expect(await committed(groupId, topic)).toBe(62);

    const letters = await readMessages(kafka, consumer.deadLetterTopic, 3);
    const reasons = letters.map((letter) => String(letter.headers?.[DEAD_LETTER_HEADERS.reason])).sort();
    expect(reasons).toEqual(['HANDLER_REJECTED', 'INVALID_JSON', 'VALIDATION_FAILED']);
    const invalidLetter = letters.find((letter) => String(letter.headers?.[DEAD_LETTER_HEADERS.reason]) === 'VALIDATION_FAILED')!;
    expect(String(invalidLetter.headers?.[DEAD_LETTER_HEADERS.error])).toContain('factor');
    expect(String(invalidLetter.headers?.[DEAD_LETTER_HEADERS.consumerGroup])).toBe(groupId);
    // The dead-letter topic was created with the documented retention (RETENTION_DLQ_TOPIC_DAYS, 30 days).
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: consumer.deadLetterTopic, configNames: ['retention.ms'] }] });
    expect(described.resources[0]?.configEntries[0]?.configValue).toBe(String(30 * 86_400_000));
  });

  it('replays the event a stopped handler did not finish: the next member of the group gets it again (at-least-once)', async () => {
    const topic = await newTopic();
    await producer.send({ topic, messages: Array.from({ length: 5 }, (_, sequence) => eventMessage('acct_one', sequence)) });
    const groupId = uniqueName('firehose-group');

    const first: string[] = [];
    let blocked = false;
    const stuck = new FirehoseConsumer({
      kafka,
      topic,
      groupId,
      logger: silentLogger,
      backoff: fast,
      commitEvery: 1,
      // Event 3 cannot be handled while this member lives (a downstream outage): it retries until stopped.
      handler: async (event) => {
        if (event.id === 'acct_one-3') {
          blocked = true;
          throw new Error('downstream down');
        }
        first.push(event.id);
      },
    });
    await stuck.start();
    await until(() => blocked, 'the handler to block on event 3');
    await until(() => stuck.health().status === 'degraded', 'health to say a handler is being retried');
    expect(stuck.health()).toMatchObject({ handlersRetrying: 1, state: 'RUNNING' });
    await stuck.stop();
    expect(first).toEqual(['acct_one-0', 'acct_one-1', 'acct_one-2']);
    expect(await committed(groupId, topic)).toBe(3);

    const second: string[] = [];
    const next = new FirehoseConsumer({ kafka, topic, groupId, logger: silentLogger, handler: async (event) => void second.push(event.id) });
    await next.start();
    try {
      await until(() => second.length === 2, 'events 3 and 4 on the next member');
    } finally {
      await next.stop();
    }
    expect(second).toEqual(['acct_one-3', 'acct_one-4']);
    expect(await committed(groupId, topic)).toBe(5);
  });
});
