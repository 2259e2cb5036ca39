import { settingsOrExit } from '../../../shared/config/settings-or-exit.js';
import { createLogger, redactUrl } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { ServiceRunner } from '../../../shared/ops/run-service.js';
import { createRelayClients } from './relay-clients.js';
import { RelayService } from './relay-service.js';
import { loadRelaySettings } from './relay-settings.js';

// Wiring only: settings -> logger -> clients -> service -> runner (ops server, signals, drain deadline).
const settings = settingsOrExit('relay', () => loadRelaySettings());
const logger = createLogger('relay', settings.LOG_LEVEL);
logger.info(
  { mysql: redactUrl(settings.AUTHLOG_MYSQL_URL), kafka: settings.AUTHLOG_KAFKA_BROKERS, topic: settings.RELAY_TOPIC, opsPort: settings.OPS_PORT },
  'relay configured',
);
const registry = createMetricsRegistry('relay');
const runner = new ServiceRunner({ name: 'relay', logger, shutdownDeadlineMs: settings.SHUTDOWN_DEADLINE_MS, ops: { port: settings.OPS_PORT, host: settings.OPS_HOST, registry } });
const clients = createRelayClients(settings, logger);
const service: RelayService = new RelayService({ settings, logger, registry, clients, onFatal: (error) => runner.fail(service, error) });
await runner.run(service);
