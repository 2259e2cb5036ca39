/**
 * The lifecycle service: `node dist/services/lifecycle/src/main.js` (settings: README.md).
 * Wiring only; the jobs are in ./jobs.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { settingsOrExit } from '../../../shared/config/settings-or-exit.js';
import { connectionOrExit } from '../../../shared/connections/connection-or-exit.js';
import { elasticsearchProbe } from '../../../shared/connections/elasticsearch-probe.js';
import { kafkaProbe } from '../../../shared/connections/kafka-probe.js';
import { mysqlProbe } from '../../../shared/connections/mysql-probe.js';
import { createDatabase } from '../../../shared/db/create-database.js';
import { mysqlConnection } from '../../../shared/db/mysql-connection.js';
import { createElasticsearch } from '../../../shared/elasticsearch/create-elasticsearch.js';
import { elasticsearchConnection } from '../../../shared/elasticsearch/elasticsearch-connection.js';
import { pinCaFingerprint } from '../../../shared/elasticsearch/pinned-ca.js';
import { createKafka } from '../../../shared/kafka/create-kafka.js';
import { kafkaConnection } from '../../../shared/kafka/kafka-connection.js';
import { createLogger, redactUrl } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { ServiceRunner } from '../../../shared/ops/run-service.js';
import { maintainAuthlogPartitions } from '../../../shared/outbox/partitions/maintain-authlog-partitions.js';
import { LifecycleService } from './lifecycle-service.js';
import { loadLifecycleSettings } from './lifecycle-settings.js';
import type { LifecycleDatabase } from './lifecycle-tables.js';

const settings = settingsOrExit('lifecycle', () => loadLifecycleSettings());
const logger = createLogger('lifecycle', settings.LOG_LEVEL);
const instance = `${settings.LIFECYCLE_INSTANCE_NAME}@${hostname().slice(0, 16)}:${process.pid}:${randomBytes(3).toString('hex')}`;
logger.info(
  {
    instance,
    mysql: redactUrl(settings.AUTHLOG_MYSQL_URL),
    retention: { authlogDays: settings.RETENTION_AUTHLOG_DAYS, webhookDays: settings.RETENTION_WEBHOOK_DAYS, eventsTopicHours: settings.RETENTION_EVENTS_TOPIC_HOURS, dlqTopicDays: settings.RETENTION_DLQ_TOPIC_DAYS },
    intervalMs: settings.LIFECYCLE_INTERVAL_MS,
  },
  'lifecycle configured',
);
const registry = createMetricsRegistry('lifecycle');
const mysql = mysqlConnection(settings);
const { db, pool } = createDatabase<LifecycleDatabase>({ connection: mysql, connectionLimit: 3 });
const kafkaSettings = kafkaConnection(settings);
const kafka = createKafka({ clientId: 'authlog-lifecycle', connection: kafkaSettings, logger });
const elasticsearchSettings = await connectionOrExit('lifecycle', () => pinCaFingerprint(elasticsearchConnection(settings)));
const elasticsearch = createElasticsearch({ connection: elasticsearchSettings });
const probes = [mysqlProbe(pool, mysql), kafkaProbe(kafka, kafkaSettings), elasticsearchProbe(elasticsearch, elasticsearchSettings)];
const runner = new ServiceRunner({ name: 'lifecycle', logger, shutdownDeadlineMs: settings.SHUTDOWN_DEADLINE_MS, ops: { port: settings.OPS_PORT, host: settings.OPS_HOST, registry } });
const maintainPartitions = (now: Date, retentionDays: number, signal: AbortSignal) =>
  maintainAuthlogPartitions(db, { now, retentionDays, aheadMonths: settings.LIFECYCLE_PARTITIONS_AHEAD, lockWaitSeconds: settings.LIFECYCLE_DDL_LOCK_WAIT_S, signal, logger });
await runner.run(new LifecycleService({ settings, db, kafka, elasticsearch, registry, logger, instance, probes, maintainPartitions }));
