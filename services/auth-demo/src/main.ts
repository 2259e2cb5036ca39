import { settingsOrExit } from '../../../shared/config/settings-or-exit.js';
import { mysqlProbe } from '../../../shared/connections/mysql-probe.js';
import { createDatabase } from '../../../shared/db/create-database.js';
import type { AuthlogDatabase } from '../../../shared/db/database.js';
import { mysqlConnection } from '../../../shared/db/mysql-connection.js';
import { createLogger, redactUrl } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { ServiceRunner } from '../../../shared/ops/run-service.js';
import { AuthDemoMetrics } from './auth-demo-metrics.js';
import { AuthDemoService } from './auth-demo-service.js';
import { loadAuthDemoSettings } from './auth-demo-settings.js';

// Wiring only: settings -> logger -> clients -> service -> runner (ops server, signals, drain deadline).
const settings = settingsOrExit('auth-demo', () => loadAuthDemoSettings());
const logger = createLogger('auth-demo', settings.LOG_LEVEL);
logger.info({ mysql: redactUrl(settings.AUTHLOG_MYSQL_URL), port: settings.AUTH_DEMO_PORT, opsPort: settings.OPS_PORT }, 'auth-demo configured');
const registry = createMetricsRegistry('auth-demo');
const mysql = mysqlConnection(settings);
const { db, pool } = createDatabase<AuthlogDatabase>({ connection: mysql, connectionLimit: settings.AUTH_DEMO_MYSQL_CONNECTIONS });
const probes = [mysqlProbe(pool, mysql)];
const service = new AuthDemoService({ settings, db, probes, logger, metrics: new AuthDemoMetrics(registry), registry });
await new ServiceRunner({ name: 'auth-demo', logger, shutdownDeadlineMs: settings.SHUTDOWN_DEADLINE_MS, ops: { port: settings.OPS_PORT, host: settings.OPS_HOST, registry } }).run(service);
