/**
 * The webhook dispatcher: `node dist/services/webhook-dispatcher/src/main.js` (settings: README.md).
 * Wiring only; the logic is in the modules beside this file.
 */
import { settingsOrExit } from '../../../shared/config/settings-or-exit.js';
import { createKafka } from '../../../shared/kafka/create-kafka.js';
import { kafkaConnection } from '../../../shared/kafka/kafka-connection.js';
import { createLogger, redactUrl } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { ServiceRunner } from '../../../shared/ops/run-service.js';
import { DispatcherService } from './dispatcher-service.js';
import { loadDispatcherSettings } from './dispatcher-settings.js';

const settings = settingsOrExit('webhook-dispatcher', () => loadDispatcherSettings());
const logger = createLogger('webhook-dispatcher', settings.LOG_LEVEL);
logger.info(
  {
    mysql: redactUrl(settings.AUTHLOG_MYSQL_URL),
    redis: redactUrl(settings.AUTHLOG_REDIS_URL),
    connection: kafkaConnection(settings),
    topic: settings.WEBHOOK_TOPIC,
    retrySchedule: settings.WEBHOOK_RETRY_SCHEDULE,
    ssrfAllowList: settings.WEBHOOK_SSRF_ALLOW,
    allowHttp: settings.WEBHOOK_ALLOW_HTTP,
  },
  'starting',
);
if (settings.WEBHOOK_SSRF_ALLOW.length > 0 || settings.WEBHOOK_ALLOW_HTTP) {
  logger.warn({ ssrfAllowList: settings.WEBHOOK_SSRF_ALLOW, allowHttp: settings.WEBHOOK_ALLOW_HTTP }, 'SSRF exceptions are on: for the local demo and tests only');
}
const registry = createMetricsRegistry('webhook-dispatcher');
const kafka = createKafka({ clientId: settings.WEBHOOK_CLIENT_ID, connection: kafkaConnection(settings), logger });
const runner = new ServiceRunner({ name: 'webhook-dispatcher', logger, shutdownDeadlineMs: settings.SHUTDOWN_DEADLINE_MS, ops: { port: settings.OPS_PORT, host: settings.OPS_HOST, registry } });
const service: DispatcherService = new DispatcherService({ settings, kafka, registry, logger, onFatal: (error) => runner.fail(service, error) });
await runner.run(service);
