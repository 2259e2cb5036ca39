/**
 * npm run example:firehose
 * A consumer another team could start from: counts authentications per result and factor, printing
 * a line every FIREHOSE_REPORT_MS, and stops cleanly on Ctrl-C or SIGTERM. See docs/firehose.md.
 *
 *   FIREHOSE_GROUP     your consumer group (default firehose-example): offsets are kept per group
 *   FIREHOSE_TOPIC     the events topic (default authlog.events.v1) or a republished one
 *   FIREHOSE_FROM_BEGINNING  true (default): a new group starts at the oldest retained event
 *   AUTHLOG_KAFKA_*    brokers, TLS and SASL, as for every service
 */
import { kafkaConnectionSettings } from '../../shared/config/connection-settings.js';
import { envBool, envInt, envLogLevel, envString } from '../../shared/config/env-types.js';
import { loadConfig } from '../../shared/config/load-config.js';
import { settingsOrExit } from '../../shared/config/settings-or-exit.js';
import { FirehoseConsumer } from '../../shared/firehose/firehose-consumer.js';
import { FirehoseRejection } from '../../shared/firehose/firehose-rejection.js';
import { createKafka } from '../../shared/kafka/create-kafka.js';
import { kafkaConnection } from '../../shared/kafka/kafka-connection.js';
import { DEFAULT_EVENTS_TOPIC } from '../../shared/kafka/topics.js';
import { createLogger } from '../../shared/log/logger.js';

const settings = settingsOrExit('firehose-example', () =>
  loadConfig({
    ...kafkaConnectionSettings,
    FIREHOSE_GROUP: envString('firehose-example'),
    FIREHOSE_TOPIC: envString(DEFAULT_EVENTS_TOPIC),
    FIREHOSE_FROM_BEGINNING: envBool(true),
    FIREHOSE_REPORT_MS: envInt(5_000, { min: 100, max: 3_600_000 }),
    LOG_LEVEL: envLogLevel(),
  }),
);
const logger = createLogger('firehose-example', settings.LOG_LEVEL);
const kafka = createKafka({ clientId: 'firehose-example', connection: kafkaConnection(settings), logger });

const counts = new Map<string, number>();
let total = 0;
const consumer = new FirehoseConsumer({
  kafka,
  topic: settings.FIREHOSE_TOPIC,
  groupId: settings.FIREHOSE_GROUP,
  fromBeginning: settings.FIREHOSE_FROM_BEGINNING,
  logger,
  // Your logic goes here. Resolve when done (the offset is committed after); throw to retry;
  // throw FirehoseRejection for an event you can never handle (it is dead-lettered, you move on).
  handler: async ({ event, type }) => {
    if (type !== 'authlog.authentication' && type !== 'authlog.enrollment') throw new FirehoseRejection(`unexpected type ${type}`);
    const key = `${event.result}/${event.factor}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    total += 1;
  },
});

const report = setInterval(() => {
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
  process.stdout.write(`${JSON.stringify({ total, top: Object.fromEntries(top) })}\n`);
}, settings.FIREHOSE_REPORT_MS);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    clearInterval(report);
    logger.info({ signal, total }, 'stopping: committing what was handled');
    void consumer.stop().then(() => process.exit(0));
  });
}

await consumer.start();
