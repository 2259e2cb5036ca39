/**
 * The customer-facing webhook API: `node dist/services/webhook-api/src/main.js` (settings: README.md).
 * Wiring only; the logic is in the modules beside this file.
 */
import { settingsOrExit } from '../../../shared/config/settings-or-exit.js';
import { mysqlProbe } from '../../../shared/connections/mysql-probe.js';
import { redisProbe } from '../../../shared/connections/redis-probe.js';
import { createDatabase } from '../../../shared/db/create-database.js';
import { mysqlConnection } from '../../../shared/db/mysql-connection.js';
import { createRedis } from '../../../shared/redis/create-redis.js';
import { redisConnection } from '../../../shared/redis/redis-connection.js';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';
import { createLogger, redactUrl } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { ServiceRunner } from '../../../shared/ops/run-service.js';
import { warnAboutExceptions } from '../../../shared/webhooks/webhook-settings.js';
import { loadWebhookApiSettings } from './webhook-api-settings.js';
import { WebhookApiService } from './webhook-api-service.js';

const settings = settingsOrExit('webhook-api', () => loadWebhookApiSettings());
const logger = createLogger('webhook-api', settings.LOG_LEVEL);
logger.info(
  { mysql: redactUrl(settings.AUTHLOG_MYSQL_URL), redis: redactUrl(settings.AUTHLOG_REDIS_URL), port: settings.WEBHOOK_API_PORT, ssrfAllowList: settings.WEBHOOK_SSRF_ALLOW },
  'starting',
);
warnAboutExceptions(settings, logger);
const registry = createMetricsRegistry('webhook-api');
const mysql = mysqlConnection(settings);
const { db, pool } = createDatabase<WebhooksDatabase>({ connection: mysql, connectionLimit: settings.WEBHOOK_MYSQL_CONNECTIONS });
const redisSettings = redisConnection(settings);
const redis = { commands: createRedis(redisSettings, { maxRetriesPerRequest: 2 }), queue: createRedis(redisSettings, { maxRetriesPerRequest: 2 }) };
const probes = [mysqlProbe(pool, mysql), redisProbe(redisSettings)];
const service = new WebhookApiService({ settings, db, redis, probes, registry, logger });
await new ServiceRunner({ name: 'webhook-api', logger, shutdownDeadlineMs: settings.SHUTDOWN_DEADLINE_MS, ops: { port: settings.OPS_PORT, host: settings.OPS_HOST, registry } }).run(service);
