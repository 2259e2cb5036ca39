/**
 * The reports API and Admin Panel: `node dist/services/reports/src/main.js` (settings: README.md).
 * Wiring only; the logic is in the modules beside this file.
 */
import { settingsOrExit } from '../../../shared/config/settings-or-exit.js';
import { elasticsearchProbe } from '../../../shared/connections/elasticsearch-probe.js';
import { mysqlProbe } from '../../../shared/connections/mysql-probe.js';
import { redisProbe } from '../../../shared/connections/redis-probe.js';
import { createDatabase } from '../../../shared/db/create-database.js';
import { mysqlConnection } from '../../../shared/db/mysql-connection.js';
import { createElasticsearch } from '../../../shared/elasticsearch/create-elasticsearch.js';
import { elasticsearchConnection } from '../../../shared/elasticsearch/elasticsearch-connection.js';
import { pinCaFingerprint } from '../../../shared/elasticsearch/pinned-ca.js';
import { connectionOrExit } from '../../../shared/connections/connection-or-exit.js';
import { createLogger, redactUrl } from '../../../shared/log/logger.js';
import { reportsRedis } from './reports-redis.js';
import { redisConnection } from '../../../shared/redis/redis-connection.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { ServiceRunner } from '../../../shared/ops/run-service.js';
import { ReportsService, type ReportsDatabase } from './reports-service.js';
import { loadReportsSettings } from './reports-settings.js';

const config = settingsOrExit('reports', () => loadReportsSettings());
const logger = createLogger('reports', config.LOG_LEVEL);
logger.info({ mysql: redactUrl(config.AUTHLOG_MYSQL_URL), elasticsearch: config.AUTHLOG_ES_CLOUD_ID ?? redactUrl(config.AUTHLOG_ES_URL), indexPrefix: config.REPORTS_INDEX_PREFIX }, 'starting');
const registry = createMetricsRegistry('reports');
const mysql = mysqlConnection(config);
const elasticsearchSettings = await connectionOrExit('reports', () => pinCaFingerprint(elasticsearchConnection(config)));
const { db, pool } = createDatabase<ReportsDatabase>({ connection: mysql, connectionLimit: 5 });
const elasticsearch = createElasticsearch({ connection: elasticsearchSettings, requestTimeoutMs: config.REPORTS_ES_TIMEOUT_MS });
const redis = reportsRedis(redisConnection(config), logger);
const probes = [mysqlProbe(pool, mysql), elasticsearchProbe(elasticsearch, elasticsearchSettings), redisProbe(redisConnection(config))];
const runner = new ServiceRunner({ name: 'reports', logger, shutdownDeadlineMs: config.SHUTDOWN_DEADLINE_MS, ops: { port: config.OPS_PORT, host: config.OPS_HOST, registry } });
await runner.run(new ReportsService({ config, db, elasticsearch, redis, registry, logger, probes }));
