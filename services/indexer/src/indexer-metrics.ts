import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../../../shared/log/logger.js';
import type { BulkObserver } from './bulk-indexer.js';
import type { DeadLetterObserver } from '../../../shared/kafka/dead-letter-publisher.js';

/**
 * The indexer's Prometheus series. Docs/s is both a counter (use rate() in Prometheus) and a gauge
 * computed by the lag monitor over its interval, for a human reading /metrics directly.
 */
export class IndexerMetrics {
  readonly indexed: Counter;
  readonly indexedPerSecond: Gauge;
  readonly bulkDuration: Histogram<'outcome'>;
  readonly bulkDocuments: Histogram;
  readonly retries: Counter<'kind'>;
  readonly deadLettered: Counter<'reason'>;
  readonly commitFailures: Counter;
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  readonly consumerLagTotal: Gauge<'topic'>;
  readonly paused: Gauge;
  readonly rebalances: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.indexed = new Counter({ name: 'indexer_documents_indexed_total', help: 'Documents Elasticsearch accepted', registers });
    this.indexedPerSecond = new Gauge({ name: 'indexer_documents_indexed_per_second', help: 'Documents indexed per second over the last lag interval', registers });
    this.bulkDuration = new Histogram({
      name: 'indexer_bulk_duration_seconds',
      help: 'Latency of _bulk requests (answered: Elasticsearch replied; failed: the whole request failed)',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.bulkDocuments = new Histogram({
      name: 'indexer_bulk_documents',
      help: 'Documents per _bulk request',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
      registers,
    });
    this.retries = new Counter({
      name: 'indexer_retries_total',
      help: 'Retries: whole bulk requests (request), single documents answered 429/5xx (document), documents whose index refuses writes (index_unavailable), dead-letter publishes (dead_letter)',
      labelNames: ['kind'],
      registers,
    });
    this.deadLettered = new Counter({ name: 'indexer_dead_lettered_total', help: 'Messages sent to the dead-letter topic, by reason', labelNames: ['reason'], registers });
    this.commitFailures = new Counter({ name: 'indexer_commit_failures_total', help: 'Offset commits that failed (retried with the next bulk)', registers });
    this.consumerLag = new Gauge({
      name: 'indexer_consumer_lag',
      help: 'Messages not yet committed by the group, per partition (high watermark minus committed offset)',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.consumerLagTotal = new Gauge({ name: 'indexer_consumer_lag_total', help: 'Sum of the consumer lag over all partitions', labelNames: ['topic'], registers });
    this.paused = new Gauge({ name: 'indexer_consumption_paused', help: '1 while consumption is paused because Elasticsearch or the DLQ is failing', registers });
    this.rebalances = new Counter({ name: 'indexer_rebalances_total', help: 'Partition assignments received (group joins)', registers });
  }

  bulkObserver(logger: Logger): BulkObserver {
    return {
      request: (outcome, seconds, documents) => {
        this.bulkDuration.observe({ outcome }, seconds);
        if (outcome === 'answered') this.bulkDocuments.observe(documents);
      },
      requestRetry: (error, attempt, delayMs) => {
        this.retries.inc({ kind: 'request' });
        const log = attempt === 0 ? logger.warn.bind(logger) : logger.debug.bind(logger);
        log({ err: error, statusCode: error.statusCode, attempt, delayMs }, 'bulk request failed; retrying the same bulk');
      },
      documentRetry: (count, example) => {
        this.retries.inc({ kind: 'document' }, count);
        logger.warn({ count, ...example }, 'documents answered 429/5xx; sending them again');
      },
      indexUnavailable: (error, attempt, delayMs) => {
        this.retries.inc({ kind: 'index_unavailable' }, error.documents);
        const log = attempt === 0 ? logger.warn.bind(logger) : logger.debug.bind(logger);
        log({ err: error, index: error.index, type: error.type, count: error.documents, attempt, delayMs }, 'index refuses writes; retrying the same documents (not dead-lettered)');
      },
    };
  }

  deadLetterObserver(logger: Logger): DeadLetterObserver {
    return {
      published: (reason) => this.deadLettered.inc({ reason }),
      publishRetry: (error, attempt, delayMs) => {
        this.retries.inc({ kind: 'dead_letter' });
        logger.warn({ err: error, attempt, delayMs }, 'could not publish to the dead-letter topic; retrying');
      },
      truncated: (letter, bytes) => logger.warn({ partition: letter.partition, offset: letter.offset, reason: letter.reason, bytes }, 'dead letter cut to fit the dead-letter topic'),
    };
  }
}
