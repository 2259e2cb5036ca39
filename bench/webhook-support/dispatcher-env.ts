import { benchSettings } from '../support/bench-settings.js';

/**
 * Settings of a dispatcher spawned by a benchmark: its own Redis prefix, consumer group and
 * dead-letter topic, reading `topic` from the start, allowed to post to the local receivers.
 */
export function benchDispatcherEnv(mysqlUrl: string, topic: string, prefix: string, encryptionKeys: string): Record<string, string> {
  return {
    AUTHLOG_MYSQL_URL: mysqlUrl,
    AUTHLOG_ENCRYPTION_KEYS: encryptionKeys,
    AUTHLOG_KAFKA_BROKERS: benchSettings.AUTHLOG_KAFKA_BROKERS.join(','),
    AUTHLOG_REDIS_URL: benchSettings.AUTHLOG_REDIS_URL,
    OPS_PORT: '0',
    LOG_LEVEL: 'info',
    WEBHOOK_REDIS_PREFIX: prefix,
    WEBHOOK_TOPIC: topic,
    WEBHOOK_GROUP_ID: `${prefix}-group`,
    WEBHOOK_DLQ_TOPIC: `${topic}-dlq`,
    WEBHOOK_DLQ_PARTITIONS: '1',
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_SSRF_ALLOW: '127.0.0.1/32',
  };
}
