/**
 * The completeness ledger job: `node dist/services/ledger/src/main.js` (settings: README.md).
 * Wiring only; the logic is in the modules beside this file.
 */
import { settingsOrExit } from '../../../shared/config/settings-or-exit.js';
import { connectionOrExit } from '../../../shared/connections/connection-or-exit.js';
import { elasticsearchProbe } from '../../../shared/connections/elasticsearch-probe.js';
import { mysqlProbe } from '../../../shared/connections/mysql-probe.js';
import { redisProbe } from '../../../shared/connections/redis-probe.js';
import { createDatabase } from '../../../shared/db/create-database.js';
import { mysqlConnection } from '../../../shared/db/mysql-connection.js';
import { createElasticsearch } from '../../../shared/elasticsearch/create-elasticsearch.js';
import { elasticsearchConnection } from '../../../shared/elasticsearch/elasticsearch-connection.js';
import { pinCaFingerprint } from '../../../shared/elasticsearch/pinned-ca.js';
import { createLogger, redactUrl } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { ServiceRunner } from '../../../shared/ops/run-service.js';
import { createRedis } from '../../../shared/redis/create-redis.js';
import { redisConnection } from '../../../shared/redis/redis-connection.js';
import type { LedgerDatabase } from './ledger-database.js';
import { LedgerService } from './ledger-service.js';
import { loadLedgerSettings } from './ledger-settings.js';

const config = settingsOrExit('ledger', () => loadLedgerSettings());
const logger = createLogger('ledger', config.LOG_LEVEL);
logger.info({ mysql: redactUrl(config.AUTHLOG_MYSQL_URL), indexPrefix: config.LEDGER_INDEX_PREFIX }, 'starting');
const registry = createMetricsRegistry('ledger');
const mysql = mysqlConnection(config);
const elasticsearchSettings = await connectionOrExit('ledger', () => pinCaFingerprint(elasticsearchConnection(config)));
const { db, pool } = createDatabase<LedgerDatabase>({ connection: mysql, connectionLimit: 3 });
const elasticsearch = createElasticsearch({ connection: elasticsearchSettings, requestTimeoutMs: config.LEDGER_BULK_TIMEOUT_MS });
const redis = redisConnection(config);
const probes = [mysqlProbe(pool, mysql), elasticsearchProbe(elasticsearch, elasticsearchSettings), redisProbe(redis)];
const runner = new ServiceRunner({ name: 'ledger', logger, shutdownDeadlineMs: config.SHUTDOWN_DEADLINE_MS, ops: { port: config.OPS_PORT, host: config.OPS_HOST, registry } });
await runner.run(new LedgerService({ config, db, elasticsearch, redis: createRedis(redis, { maxRetriesPerRequest: null }), registry, logger, probes }));
