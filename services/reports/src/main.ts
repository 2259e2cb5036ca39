/**
 * The reports API and Admin Panel: `node dist/services/reports/src/main.js` (settings: README.md).
 * Wiring only; the logic is in the modules beside this file.
 */
import { settingsOrExit } from '../../../shared/config/settings-or-exit.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import { createDatabase } from '../../../shared/db/create-database.js';
import { createElasticsearch } from '../../../shared/elasticsearch/create-elasticsearch.js';
import { createLogger, redactUrl } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { ServiceRunner } from '../../../shared/ops/run-service.js';
import { ReportsService, type ReportsDatabase } from './reports-service.js';
import { reportsSettings } from './reports-settings.js';

const config = settingsOrExit('reports', () => loadConfig(reportsSettings));
const logger = createLogger('reports', config.LOG_LEVEL);
logger.info({ mysql: redactUrl(config.AUTHLOG_MYSQL_URL), elasticsearch: redactUrl(config.AUTHLOG_ES_URL), indexPrefix: config.REPORTS_INDEX_PREFIX }, 'starting');
const registry = createMetricsRegistry('reports');
const { db } = createDatabase<ReportsDatabase>({ url: config.AUTHLOG_MYSQL_URL, connectionLimit: 5 });
const elasticsearch = createElasticsearch({ url: config.AUTHLOG_ES_URL, requestTimeoutMs: config.REPORTS_ES_TIMEOUT_MS });
const runner = new ServiceRunner({ name: 'reports', logger, shutdownDeadlineMs: config.SHUTDOWN_DEADLINE_MS, ops: { port: config.OPS_PORT, host: config.OPS_HOST, registry } });
await runner.run(new ReportsService({ config, db, elasticsearch, registry, logger }));
