/**
 * The Elasticsearch indexer: `node dist/services/indexer/src/main.js` (settings: README.md).
 * Wiring only; the logic is in the modules beside this file.
 */
import { settingsOrExit } from '../../../shared/config/settings-or-exit.js';
import { elasticsearchProbe } from '../../../shared/connections/elasticsearch-probe.js';
import { kafkaProbe } from '../../../shared/connections/kafka-probe.js';
import { createElasticsearch } from '../../../shared/elasticsearch/create-elasticsearch.js';
import { elasticsearchConnection } from '../../../shared/elasticsearch/elasticsearch-connection.js';
import { pinCaFingerprint } from '../../../shared/elasticsearch/pinned-ca.js';
import { connectionOrExit } from '../../../shared/connections/connection-or-exit.js';
import { createKafka } from '../../../shared/kafka/create-kafka.js';
import { kafkaConnection } from '../../../shared/kafka/kafka-connection.js';
import { createLogger, redactUrl } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { ServiceRunner } from '../../../shared/ops/run-service.js';
import { IndexerService } from './indexer-service.js';
import { loadIndexerSettings } from './indexer-settings.js';

const config = settingsOrExit('indexer', () => loadIndexerSettings());
const logger = createLogger('indexer', config.LOG_LEVEL);
logger.info({ brokers: config.AUTHLOG_KAFKA_BROKERS, elasticsearch: config.AUTHLOG_ES_CLOUD_ID ?? redactUrl(config.AUTHLOG_ES_URL), failpoint: config.INDEXER_TEST_FAILPOINT }, 'starting');
const registry = createMetricsRegistry('indexer');
const kafkaSettings = kafkaConnection(config);
const elasticsearchSettings = await connectionOrExit('indexer', () => pinCaFingerprint(elasticsearchConnection(config)));
const kafka = createKafka({ clientId: config.INDEXER_CLIENT_ID, connection: kafkaSettings, logger });
const elasticsearch = createElasticsearch({ connection: elasticsearchSettings, requestTimeoutMs: config.INDEXER_BULK_TIMEOUT_MS });
const probes = [kafkaProbe(kafka, kafkaSettings), elasticsearchProbe(elasticsearch, elasticsearchSettings)];
const runner = new ServiceRunner({ name: 'indexer', logger, shutdownDeadlineMs: config.SHUTDOWN_DEADLINE_MS, ops: { port: config.OPS_PORT, host: config.OPS_HOST, registry } });
const service: IndexerService = new IndexerService({ config, kafka, elasticsearch, registry, logger, probes, onFatal: (error) => runner.fail(service, error) });
await runner.run(service);
