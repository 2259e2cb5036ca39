import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthEvent } from '../../shared/event/parse-auth-event.js';
import { eventAttributes, toKafkaMessage } from '../../shared/kafka/cloud-event.js';
import { createKafka } from '../../shared/kafka/create-kafka.js';
import { kafkaConnection } from '../../shared/kafka/kafka-connection.js';
import { silentLogger } from '../../shared/log/logger.js';
import { SpawnedProcess } from '../../testing/spawned-process.js';
import { readMessages } from '../support/read-messages.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { testSettings } from '../support/settings.js';
import { uniqueName } from '../support/unique-name.js';

let kafka: Kafka;
let admin: Admin;
const topic = uniqueName('firehose-example');
let child: SpawnedProcess | undefined;

beforeAll(async () => {
  kafka = createKafka({ clientId: 'firehose-example-test', connection: kafkaConnection(testSettings), logger: silentLogger });
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await child?.kill();
  const mine = (await admin.listTopics()).filter((name) => name.startsWith(topic));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  await admin.disconnect();
});

describe('examples/firehose (npm run example:firehose)', () => {
  it('counts the events of a topic, dead-letters what does not decode, and stops cleanly on Ctrl-C', async () => {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
    const producer = kafka.producer();
    await producer.connect();
    const events = Array.from({ length: 10 }, (_, n) => parseAuthEvent(sampleEvent({ account_id: `acct_${n % 3}`, txid: `example-${n}` })));
    await producer.send({ topic, messages: [...events.map((event) => toKafkaMessage(eventAttributes(event), JSON.stringify(event))), { key: 'acct_0', value: 'not an event' }] });
    await producer.disconnect();

    const group = uniqueName('example-group');
    child = new SpawnedProcess('dist/examples/firehose/main.js', {
      AUTHLOG_KAFKA_BROKERS: testSettings.AUTHLOG_KAFKA_BROKERS.join(','),
      FIREHOSE_TOPIC: topic,
      FIREHOSE_GROUP: group,
      FIREHOSE_REPORT_MS: '200',
      LOG_LEVEL: 'warn',
    });
    const line = await child.waitForLine('"total":10', 60_000);
    expect(JSON.parse(line)).toEqual({ total: 10, top: { 'success/duo_push': 10 } });
    child.signal('SIGINT');
    expect((await child.exited).code).toBe(0);
    const [letter] = await readMessages(kafka, `${topic}.${group}.dlq`, 1);
    expect(String(letter?.headers?.['authlog-dlq-reason'])).toBe('MALFORMED_CLOUD_EVENT');
    expect(letter?.value?.toString()).toBe('not an event');
  });
});
