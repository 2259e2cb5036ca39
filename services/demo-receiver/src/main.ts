import { settingsOrExit } from '../../../shared/config/settings-or-exit.js';
import { createLogger } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { ServiceRunner } from '../../../shared/ops/run-service.js';
import { ReceiverService } from './receiver-service.js';
import { loadDemoReceiverSettings } from './demo-receiver-settings.js';

// Wiring only: settings -> logger -> receiver -> runner (ops server, signals, drain deadline).
const settings = settingsOrExit('demo-receiver', () => loadDemoReceiverSettings());
const logger = createLogger('demo-receiver', settings.LOG_LEVEL);
const registry = createMetricsRegistry('demo-receiver');
const receiver = new ReceiverService(settings, logger, registry);
await new ServiceRunner({ name: 'demo-receiver', logger, shutdownDeadlineMs: settings.SHUTDOWN_DEADLINE_MS, ops: { port: settings.OPS_PORT, host: settings.OPS_HOST, registry } }).run(receiver);
