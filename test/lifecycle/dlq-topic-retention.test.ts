import kafkajs, { type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log/logger.js';
import { KafkaRetentionDriftJob } from '../../services/lifecycle/src/jobs/kafka-retention-drift-job.js';
import { IndexerHarness } from '../indexer/support/indexer-harness.js';
import { WebhookFixture } from '../webhooks/support/webhook-fixture.js';

// kafkajs is CommonJS and Node's named-export detection misses ConfigResourceTypes.
const { ConfigResourceTypes } = kafkajs;
const DAY_MS = 86_400_000;

async function retentionMs(admin: Admin, topic: string): Promise<number> {
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }] });
  const entries = described.resources[0]?.configEntries ?? [];
  expect(entries.find((entry) => entry.configName === 'cleanup.policy')?.configValue).toBe('delete');
  return Number(entries.find((entry) => entry.configName === 'retention.ms')?.configValue);
}

/**
 * Issue 18: the dead-letter topics of the indexer and the dispatcher are created with
 * RETENTION_DLQ_TOPIC_DAYS (the one retention policy), not a fixed default, on the real broker;
 * the lifecycle drift job then finds them matching the policy. Days other than the default (30)
 * so that a topic created with the default fails the test.
 */
describe('dead-letter topics take RETENTION_DLQ_TOPIC_DAYS', () => {
  let indexer: IndexerHarness;
  let webhooks: WebhookFixture;
  beforeAll(async () => {
    indexer = await new IndexerHarness().setUp(1);
    webhooks = await WebhookFixture.create({ partitions: 1 });
  }, 60_000);
  afterAll(async () => {
    await indexer?.cleanup();
    await webhooks?.cleanup();
  });

  it('the indexer and the dispatcher create their DLQ topics with the configured retention, and the drift job agrees', async () => {
    const service = await indexer.startIndexer({ RETENTION_DLQ_TOPIC_DAYS: '3' });
    const dispatcher = await webhooks.startDispatcher({ RETENTION_DLQ_TOPIC_DAYS: '5' });
    const webhookDlq = `${webhooks.topic}-dlq`;
    try {
      expect(await retentionMs(indexer.admin, indexer.dlqTopic)).toBe(3 * DAY_MS);
      expect(await retentionMs(indexer.admin, webhookDlq)).toBe(5 * DAY_MS);

      const states: { topic: string; drift: boolean }[] = [];
      const job = new KafkaRetentionDriftJob(
        indexer.kafka,
        [
          { topic: indexer.dlqTopic, retentionMs: 3 * DAY_MS },
          { topic: webhookDlq, retentionMs: 30 * DAY_MS },
        ],
        (state) => states.push(state),
        silentLogger,
      );
      const report = await job.run();
      // The dispatcher's topic has 5 days, the policy given to the job says 30: reported, not altered.
      expect(report.details.drifting).toEqual([webhookDlq]);
      expect(states.map((state) => [state.topic, state.drift])).toEqual([
        [indexer.dlqTopic, false],
        [webhookDlq, true],
      ]);
    } finally {
      await dispatcher.stop();
      await service.stop();
    }
  }, 90_000);
});
