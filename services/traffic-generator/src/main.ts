import { settingsOrExit } from '../../../shared/config/settings-or-exit.js';
import { createLogger } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { ServiceRunner } from '../../../shared/ops/run-service.js';
import { TrafficGenerator } from './traffic-generator.js';
import { TrafficMetrics } from './traffic-metrics.js';
import { loadTrafficGeneratorSettings } from './traffic-generator-settings.js';

// Wiring only: settings -> logger -> generator -> runner (ops server, signals, drain deadline).
const settings = settingsOrExit('traffic-generator', () => loadTrafficGeneratorSettings());
const logger = createLogger('traffic-generator', settings.LOG_LEVEL);
logger.info({ target: settings.TRAFFIC_TARGET_URL, rate: settings.TRAFFIC_RATE, accounts: settings.TRAFFIC_ACCOUNTS }, 'traffic configured');
const registry = createMetricsRegistry('traffic-generator');
const generator = new TrafficGenerator({ settings, logger, metrics: new TrafficMetrics(registry) });
const runner = new ServiceRunner({ name: 'traffic-generator', logger, shutdownDeadlineMs: settings.SHUTDOWN_DEADLINE_MS, ops: { port: settings.OPS_PORT, host: settings.OPS_HOST, registry } });
await runner.run(generator);
// With a limit, the generator ends by itself: drain and exit like on SIGTERM.
if (settings.TRAFFIC_LIMIT > 0) {
  await generator.finished;
  process.kill(process.pid, 'SIGTERM');
}
