import type { Client } from '@elastic/elasticsearch';
import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { ConnectionProbe } from '../../../shared/connections/connection-probe.js';
import { eventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import type { Logger } from '../../../shared/log/logger.js';
import type { HealthReport } from '../../../shared/ops/health.js';
import type { RunnableService } from '../../../shared/ops/run-service.js';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../shared/util/backoff.js';
import { sleep } from '../../../shared/util/sleep.js';
import { DeliveryQueue } from '../../../shared/webhooks/delivery-queue.js';
import { RetrySchedule } from '../../../shared/webhooks/retry-schedule.js';
import { BackfillRepair } from './backfill-repair.js';
import { CompletenessLedger } from './completeness-ledger.js';
import type { LedgerDatabase } from './ledger-database.js';
import { LedgerMetrics } from './ledger-metrics.js';
import type { LedgerSettings } from './ledger-settings.js';
import { RecoverRepair } from './recover-repair.js';

export interface LedgerServiceOptions {
  readonly config: LedgerSettings;
  readonly db: Kysely<LedgerDatabase>;
  readonly elasticsearch: Client;
  readonly redis: Redis;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly probes: readonly ConnectionProbe[];
}

/**
 * The ledger job: rounds back to back while closed hours are waiting, then one every
 * LEDGER_INTERVAL_MS. A failed round is logged, counted in health and retried with back-off;
 * stop() ends the wait at once and lets the round in progress finish (a repair stops at its next
 * checkpoint).
 */
export class LedgerService implements RunnableService {
  readonly #ledger: CompletenessLedger;
  readonly #queue: DeliveryQueue;
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #failures = 0;
  #lastError: string | undefined;
  #lastRound: Date | undefined;

  constructor(private readonly options: LedgerServiceOptions) {
    const { config, db, elasticsearch, redis, registry, logger } = options;
    const names = eventIndexNames(config.LEDGER_INDEX_PREFIX);
    this.#queue = new DeliveryQueue(redis, { name: config.WEBHOOK_QUEUE, prefix: config.WEBHOOK_REDIS_PREFIX }, RetrySchedule.parse(config.WEBHOOK_RETRY_SCHEDULE, config.WEBHOOK_RETRY_JITTER_PERCENT / 100), logger);
    this.#ledger = new CompletenessLedger({
      db,
      elasticsearch,
      names,
      documents: new BackfillRepair({ db, elasticsearch, names, logger, bulkTimeoutMs: config.LEDGER_BULK_TIMEOUT_MS, maxDocumentBytes: config.LEDGER_MAX_DOCUMENT_BYTES, stop: this.#stop.signal }),
      deliveries: new RecoverRepair(db, this.#queue, logger),
      metrics: new LedgerMetrics(registry),
      logger,
      closeAfterMs: config.LEDGER_CLOSE_AFTER_SECONDS * 1000,
      chunkHours: config.LEDGER_CHUNK_HOURS,
      ...(config.LEDGER_START === undefined ? {} : { startAt: new Date(config.LEDGER_START) }),
      maxRequeuePerHour: config.LEDGER_MAX_REQUEUE_PER_HOUR,
    });
  }

  connectionProbes(): readonly ConnectionProbe[] {
    return this.options.probes;
  }

  async start(): Promise<void> {
    this.#loop ??= this.#run();
    this.options.logger.info({ indexPrefix: this.options.config.LEDGER_INDEX_PREFIX }, 'ledger running');
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    await this.#queue.close().catch(() => undefined);
    this.options.redis.disconnect();
    await this.options.elasticsearch.close().catch(() => undefined);
    await this.options.db.destroy();
  }

  health(): Omit<HealthReport, 'state'> {
    return {
      status: this.#failures === 0 ? 'ok' : 'degraded',
      checks: { lastRound: this.#lastRound?.toISOString() ?? null, consecutiveFailures: this.#failures, lastError: this.#lastError ?? null },
    };
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        const round = await this.#ledger.round();
        this.#failures = 0;
        this.#lastRound = new Date();
        // A full chunk: more closed hours may be waiting; otherwise the ledger has caught up.
        if (round.to === undefined) await sleep(this.options.config.LEDGER_INTERVAL_MS, signal);
      } catch (error) {
        this.#failures += 1;
        this.#lastError = error instanceof Error ? error.message : String(error);
        const delay = backoffDelay(this.#failures - 1, { ...DEFAULT_BACKOFF, initialMs: 1_000, maxMs: 60_000 });
        this.options.logger.warn({ err: error, failures: this.#failures, retryInMs: delay }, 'ledger round failed; backing off');
        await sleep(delay, signal);
      }
    }
  }
}
