import type { Kafka } from 'kafkajs';
import { createKafka } from '../../../shared/kafka/create-kafka.js';
import { readEnvironment } from '../../../shared/config/environment.js';
import { createLogger, silentLogger, type Logger } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import type { OutboxRecord } from '../../../services/relay/src/outbox-record.js';
import { createRelayClients } from '../../../services/relay/src/relay-clients.js';
import { RelayService } from '../../../services/relay/src/relay-service.js';
import { loadRelaySettings } from '../../../services/relay/src/relay-settings.js';
import { testSettings } from '../../support/settings.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { uniqueName } from '../../support/unique-name.js';
import { deleteTopic } from './topic-reader.js';
import { plainKafkaConnection } from '../../../shared/kafka/kafka-connection.js';

/** A test's own database and topic, with the relay settings that point at them. */
export interface RelayTestContext {
  readonly database: TestDatabase;
  readonly topic: string;
  readonly kafka: Kafka;
  /** Environment for a relay (in-process or child process) on this database and topic. */
  env(overrides?: Record<string, string>): Record<string, string>;
  cleanup(): Promise<void>;
}

export async function createRelayTestContext(options: { brokers?: string[]; mysqlUrl?: string } = {}): Promise<RelayTestContext> {
  const database = await createTestDatabase({ connectionLimit: 12 });
  const topic = uniqueName('relay-test');
  const brokers = options.brokers ?? testSettings.AUTHLOG_KAFKA_BROKERS;
  const kafka = createKafka({ clientId: 'relay-test', connection: plainKafkaConnection(brokers), logger: silentLogger });
  return {
    database,
    topic,
    kafka,
    env: (overrides = {}) => ({
      AUTHLOG_MYSQL_URL: options.mysqlUrl ?? database.url,
      AUTHLOG_KAFKA_BROKERS: brokers.join(','),
      RELAY_TOPIC: topic,
      RELAY_TOPIC_PARTITIONS: '6',
      RELAY_LEASE_MS: '3000',
      RELAY_RENEW_INTERVAL_MS: '500',
      RELAY_STATS_INTERVAL_MS: '500',
      LOG_LEVEL: 'warn',
      OPS_PORT: '0',
      ...overrides,
    }),
    cleanup: async () => {
      await deleteTopic(kafka, topic).catch(() => undefined);
      await database.drop();
    },
  };
}

/** A relay in this process (no ops server): for tests that do not need to kill a process. */
export async function startInProcessRelay(
  env: Record<string, string>,
  options: { logger?: Logger; onSettled?: (records: readonly OutboxRecord[]) => void } = {},
) {
  const registry = createMetricsRegistry('relay-test', { processMetrics: false });
  const settings = loadRelaySettings(env);
  const logger = options.logger ?? testLogger();
  const service = new RelayService({
    settings,
    logger,
    registry,
    clients: createRelayClients(settings, logger),
    ...(options.onSettled === undefined ? {} : { onSettled: options.onSettled }),
  });
  await service.start();
  return { service, registry };
}

/** Polls `check` until it returns true or the time is up (then throws with `what`). */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export async function outboxCount(database: TestDatabase): Promise<number> {
  const row = await database.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Silent, unless RELAY_TEST_LOG=debug|info|warn asks to see the relay's log while debugging a test. */
export function testLogger(): Logger {
  const level = readEnvironment().RELAY_TEST_LOG;
  return level === 'debug' || level === 'info' || level === 'warn' ? createLogger('relay-test', level) : silentLogger;
}
