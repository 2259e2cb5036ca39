import { settingsOrExit } from '../../../shared/config/settings-or-exit.js';
import { createLogger, redactUrl } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { ServiceRunner } from '../../../shared/ops/run-service.js';
import { AuthDemoMetrics } from './auth-demo-metrics.js';
import { AuthDemoService } from './auth-demo-service.js';
import { loadAuthDemoSettings } from './auth-demo-settings.js';

// Wiring only: settings -> logger -> service -> runner (ops server, signals, drain deadline).
const settings = settingsOrExit('auth-demo', () => loadAuthDemoSettings());
const logger = createLogger('auth-demo', settings.LOG_LEVEL);
logger.info({ mysql: redactUrl(settings.AUTHLOG_MYSQL_URL), port: settings.AUTH_DEMO_PORT, opsPort: settings.OPS_PORT }, 'auth-demo configured');
const registry = createMetricsRegistry('auth-demo');
const service = new AuthDemoService({ settings, logger, metrics: new AuthDemoMetrics(registry), registry });
await new ServiceRunner({ name: 'auth-demo', logger, shutdownDeadlineMs: settings.SHUTDOWN_DEADLINE_MS, ops: { port: settings.OPS_PORT, host: settings.OPS_HOST, registry } }).run(service);
