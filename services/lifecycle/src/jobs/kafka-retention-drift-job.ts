import kafkajs, { type Kafka } from 'kafkajs';
import type { Logger } from '../../../../shared/log/logger.js';
import type { JobReport, LifecycleJob } from '../lifecycle-job.js';

// kafkajs is CommonJS and Node's named-export detection misses ConfigResourceTypes.
const { ConfigResourceTypes } = kafkajs;

export interface ExpectedTopicRetention {
  readonly topic: string;
  readonly retentionMs: number;
}

export interface TopicRetentionState {
  readonly topic: string;
  readonly expectedMs: number;
  /** null when the topic does not exist (yet). */
  readonly actualMs: number | null;
  readonly drift: boolean;
}

/**
 * Report only: compares each topic's retention.ms with the policy (RETENTION_EVENTS_TOPIC_HOURS,
 * RETENTION_DLQ_TOPIC_DAYS) and reports the drift; it never alters a topic. Kafka deletes old
 * segments itself; what can go wrong is a topic created by hand, or before the policy changed,
 * keeping data for another period than the one documented. Fix with kafka-configs --alter.
 */
export class KafkaRetentionDriftJob implements LifecycleJob {
  readonly name = 'kafka-topic-retention';

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: readonly ExpectedTopicRetention[],
    private readonly onState: (state: TopicRetentionState) => void,
    private readonly logger: Logger,
  ) {}

  async run(): Promise<JobReport> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const present = this.topics.filter((entry) => existing.has(entry.topic));
      const described =
        present.length === 0
          ? { resources: [] }
          : await admin.describeConfigs({ includeSynonyms: false, resources: present.map((entry) => ({ type: ConfigResourceTypes.TOPIC, name: entry.topic, configNames: ['retention.ms'] })) });
      const states = this.topics.map((entry): TopicRetentionState => {
        const resource = described.resources.find((item) => item.resourceName === entry.topic);
        const value = resource?.configEntries.find((config) => config.configName === 'retention.ms')?.configValue;
        const actualMs = value === undefined ? null : Number(value);
        return { topic: entry.topic, expectedMs: entry.retentionMs, actualMs, drift: actualMs !== null && actualMs !== entry.retentionMs };
      });
      for (const state of states) {
        this.onState(state);
        if (state.drift) this.logger.warn({ ...state }, 'topic retention differs from the policy (report only: alter it with kafka-configs)');
      }
      return { status: 'ok', removed: 0, details: { topics: states, drifting: states.filter((state) => state.drift).map((state) => state.topic) } };
    } finally {
      await admin.disconnect();
    }
  }
}
