import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../shared/kafka/create-kafka.js';
import { TopicMissingError } from '../../shared/kafka/errors/topic-missing-error.js';
import { waitForTopic } from '../../shared/kafka/wait-for-topic.js';
import { silentLogger } from '../../shared/log/logger.js';
import { testSettings } from '../support/settings.js';
import { uniqueName } from '../support/unique-name.js';

let kafka: Kafka;
let admin: Admin;
const topics: string[] = [];

beforeAll(async () => {
  kafka = createKafka({ clientId: 'kafka-kit-test', brokers: testSettings.AUTHLOG_KAFKA_BROKERS, logger: silentLogger });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  const existing = await admin.listTopics();
  const mine = topics.filter((topic) => existing.includes(topic));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  await admin?.disconnect();
});

function topicName(what: string): string {
  const name = uniqueName(what);
  topics.push(name);
  return name;
}

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
