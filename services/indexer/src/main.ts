/**
 * The Elasticsearch indexer: `node dist/services/indexer/src/main.js` (settings: README.md).
 * Wiring only; the logic is in the modules beside this file.
 */
import { settingsOrExit } from '../../../shared/config/settings-or-exit.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import { createElasticsearch } from '../../../shared/elasticsearch/create-elasticsearch.js';
import { createKafka } from '../../../shared/kafka/create-kafka.js';
import { createLogger, redactUrl } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { ServiceRunner } from '../../../shared/ops/run-service.js';
import { IndexerService } from './indexer-service.js';
import { indexerSettings } from './indexer-settings.js';

const config = settingsOrExit('indexer', () => loadConfig(indexerSettings));
const logger = createLogger('indexer', config.LOG_LEVEL);
logger.info({ brokers: config.AUTHLOG_KAFKA_BROKERS, elasticsearch: redactUrl(config.AUTHLOG_ES_URL), failpoint: config.INDEXER_TEST_FAILPOINT }, 'starting');
const registry = createMetricsRegistry('indexer');
const kafka = createKafka({ clientId: config.INDEXER_CLIENT_ID, brokers: config.AUTHLOG_KAFKA_BROKERS, logger });
const elasticsearch = createElasticsearch({ url: config.AUTHLOG_ES_URL, requestTimeoutMs: config.INDEXER_BULK_TIMEOUT_MS });
const runner = new ServiceRunner({ name: 'indexer', logger, shutdownDeadlineMs: config.SHUTDOWN_DEADLINE_MS, ops: { port: config.OPS_PORT, host: config.OPS_HOST, registry } });
const service: IndexerService = new IndexerService({ config, kafka, elasticsearch, registry, logger, onFatal: (error) => runner.fail(service, error) });
await runner.run(service);
