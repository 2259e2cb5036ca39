import type { Message } from 'kafkajs';
import type { Logger } from '../../../shared/log/logger.js';
import { backoffDelay, type BackoffPolicy } from '../../../shared/util/backoff.js';
import { sleep } from '../../../shared/util/sleep.js';
import { KafkaPublishError } from './errors/kafka-publish-error.js';
import { OutboxReadError } from './errors/outbox-read-error.js';
import { OutboxSettleError } from './errors/outbox-settle-error.js';
import type { EventPublisher } from './event-publisher.js';
import type { OutboxReader, ReadResult } from './outbox-reader.js';
import type { OutboxRecord } from './outbox-record.js';
import { toOutboxMessage } from './outbox-message.js';
import type { OutboxSettler } from './outbox-settler.js';
import type { RelayErrorKind, RelayMetrics } from './relay-metrics.js';
import type { ShardHold, ShardOwnership } from './shard-lease-manager.js';
import { SHARD_COUNT } from './relay-database.js';
import { ShardQuota } from './shard-quota.js';

export interface RelayLoopOptions {
  readonly reader: OutboxReader;
  readonly publisher: EventPublisher;
  readonly settler: OutboxSettler;
  readonly ownership: ShardOwnership;
  readonly metrics: RelayMetrics;
  readonly logger: Logger;
  readonly batchSize: number;
  /** Read in primary-key order when this instance owns every shard (only when published rows are deleted at once). */
  readonly readByIdWhenOwningAll: boolean;
  readonly pollMinMs: number;
  readonly pollMaxMs: number;
  readonly backoff: BackoffPolicy;
  /** Called after each batch is acknowledged and settled (tests and benchmarks observe progress). */
  readonly onSettled?: (records: readonly OutboxRecord[]) => void;
  /** The loop ended on an error it does not handle (a bug, never an outage): the process should exit. */
  readonly onFatal: (error: unknown) => void;
}

export interface RelayLoopStatus {
  readonly consecutiveFailures: number;
  /** How long the Kafka send in progress has been waiting for its acknowledgement (0 when none). */
  readonly sendingForMs: number;
  readonly lastError: { readonly kind: RelayErrorKind; readonly message: string } | undefined;
}

interface PendingRead {
  /** Per-shard limits of a by-shard read; undefined for a by-id read (limit: batchSize). */
  readonly limits: Map<number, number> | undefined;
  readonly result: Promise<ReadResult>;
}

/**
 * The publishing loop: read the oldest unpublished rows of the owned shards, fence them with the
 * shard leases, publish them to Kafka in id order, and only after Kafka acknowledged them delete
 * (or mark) them. While a batch is being sent, the next one is read (excluding the rows in flight),
 * so MySQL and Kafka work at the same time; the delete of a batch completes before the next batch
 * is sent, so at most one batch is ever unsettled (a crash duplicates at most that batch).
 *
 * A batch that fails is retried as a whole (minus what Kafka already acknowledged), in the same
 * order, with back-off, before anything newer of its shards is published. stop() lets the batch in
 * flight finish (its current attempt) and then returns.
 */
export class RelayLoop {
  readonly #options: RelayLoopOptions;
  readonly #quota: ShardQuota;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;
  #failures = 0;
  #lastError: RelayLoopStatus['lastError'];
  #sendStarted: number | undefined;
  #readWaitMs = 0;

  constructor(options: RelayLoopOptions) {
    this.#options = options;
    this.#quota = new ShardQuota(options.batchSize);
  }

  get status(): RelayLoopStatus {
    const sendingForMs = this.#sendStarted === undefined ? 0 : performance.now() - this.#sendStarted;
    return { consecutiveFailures: this.#failures, sendingForMs, lastError: this.#lastError };
  }

  start(): void {
    this.#loop ??= this.#run().catch((error: unknown) => {
      // #run handles every outage itself; reaching this is a bug: report it and let the process exit.
      this.#options.logger.fatal({ err: error }, 'relay loop crashed');
      this.#options.onFatal(error);
    });
  }

  /** Finishes the batch in flight, then returns; safe to call twice. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { signal } = this.#abort;
    const { ownership, pollMinMs, pollMaxMs } = this.#options;
    let idleMs = pollMinMs;
    let ahead: PendingRead | undefined;
    while (!signal.aborted) {
      const pending = ahead ?? this.#startRead(ownership.usableShards(), []);
      ahead = undefined;
      if (pending === undefined) {
        await sleep(pollMaxMs, signal);
        continue;
      }
      let read: ReadResult;
      const waitStarted = performance.now();
      try {
        read = await pending.result;
        this.#readWaitMs = performance.now() - waitStarted;
        // MySQL answers again (a quiet outbox has no batch whose success would say so); publish
        // and delete failures are retried inside #relay and never reach this point unresolved.
        this.#failures = 0;
      } catch (error) {
        await this.#failed('mysql_read', new OutboxReadError(error), signal);
        continue;
      }
      if (pending.limits !== undefined) this.#quota.record(pending.limits, read.returnedByShard);
      if (read.records.length === 0) {
        await sleep(idleMs, signal);
        idleMs = Math.min(pollMaxMs, Math.max(1, idleMs * 2));
        continue;
      }
      idleMs = pollMinMs;
      const full =
        pending.limits === undefined
          ? read.records.length >= this.#options.batchSize
          : [...pending.limits].some(([shard, limit]) => (read.returnedByShard.get(shard) ?? 0) >= limit);
      ahead = await this.#relay(read.records, signal);
      if (!full && ahead === undefined) await sleep(pollMinMs, signal);
    }
    // A read ahead that is still running must not outlive the loop (its pool may be closing).
    await ahead?.result.catch(() => undefined);
  }

  /**
   * Publishes and settles one batch; returns the read ahead started meanwhile (it excludes this
   * batch's rows, and its own rows are still unpublished: nobody else holds their shards), or
   * undefined when the batch was abandoned (stopping, lease lost) and the next batch is read fresh.
   */
  async #relay(records: readonly OutboxRecord[], signal: AbortSignal): Promise<PendingRead | undefined> {
    const { ownership, metrics, logger } = this.#options;
    const started = performance.now();
    const hold = ownership.hold(new Set(records.map((record) => record.shard)));
    try {
      const fenced = records.filter((record) => hold.shards.has(record.shard));
      if (fenced.length === 0) return undefined;
      const publishable = fenced.filter((record): record is OutboxRecord & { payload: Buffer } => record.payload !== null);
      if (publishable.length < fenced.length) this.#reportMissingPayloads(fenced.filter((record) => record.payload === null));

      const ahead = signal.aborted ? undefined : this.#startRead(ownership.usableShards(), fenced);
      const published = await this.#publish(publishable, hold, signal);
      if (!published) {
        await ahead?.result.catch(() => undefined);
        return undefined;
      }
      if (!ownership.stillValid(hold.shards)) {
        // Kafka has the rows: deleting them is right even so; the new owner may publish them again.
        metrics.errors.inc({ kind: 'lease_lost' });
        logger.warn({ shards: [...hold.shards] }, 'a shard lease ran out while its batch was being published; duplicates possible');
      }
      const publishedAt = performance.now();
      const settled = await this.#settle(fenced, signal);
      const ackedAt = Date.now();
      logger.debug(
        { rows: fenced.length, readWaitMs: Math.round(this.#readWaitMs), publishMs: Math.round(publishedAt - started), settleMs: Math.round(performance.now() - publishedAt) },
        'batch settled',
      );
      metrics.published.inc(publishable.length);
      metrics.batches.inc();
      metrics.batchSeconds.observe((performance.now() - started) / 1000);
      for (const record of publishable) metrics.lagSeconds.observe(Math.max(0, ackedAt - record.createdAt.getTime()) / 1000);
      this.#failures = 0;
      if (!settled) {
        await ahead?.result.catch(() => undefined);
        return undefined;
      }
      this.#options.onSettled?.(publishable);
      return ahead;
    } finally {
      hold.release();
    }
  }

  /** Sends until acknowledged; false if the loop is stopping or the shards' leases were lost. */
  async #publish(records: (OutboxRecord & { payload: Buffer })[], hold: ShardHold, signal: AbortSignal): Promise<boolean> {
    const { publisher, ownership, metrics, logger } = this.#options;
    let remaining: readonly Message[] = records.map(toOutboxMessage);
    for (let attempt = 0; ; attempt += 1) {
      if (remaining.length === 0) return true;
      const sendStarted = performance.now();
      this.#sendStarted = sendStarted;
      try {
        await publisher.publish(remaining);
        this.#sendStarted = undefined;
        metrics.publishSeconds.observe((performance.now() - sendStarted) / 1000);
        if (attempt > 0) logger.info({ attempts: attempt + 1, messages: remaining.length }, 'Kafka accepted the batch again');
        return true;
      } catch (error) {
        this.#sendStarted = undefined;
        const acknowledged = error instanceof KafkaPublishError ? error.acknowledged : 0;
        remaining = remaining.slice(acknowledged);
        await this.#failed('kafka_publish', error, signal);
        if (signal.aborted) {
          logger.warn({ unacknowledged: remaining.length }, 'stopping with an unacknowledged batch: its rows stay in the outbox');
          return false;
        }
        if (!ownership.stillValid(hold.shards)) {
          logger.warn({ shards: [...hold.shards] }, 'lost shard leases while Kafka was failing; leaving the batch to the new owner');
          return false;
        }
      }
    }
  }

  /** Deletes (or marks) the published rows, retrying until it works; false if stopping first. */
  async #settle(records: readonly OutboxRecord[], signal: AbortSignal): Promise<boolean> {
    const ids = records.map((record) => record.id);
    for (;;) {
      try {
        await this.#options.settler.settle(ids);
        return true;
      } catch (error) {
        await this.#failed('mysql_settle', new OutboxSettleError(ids.length, error), signal);
        if (signal.aborted) {
          this.#options.logger.warn({ rows: ids.length }, 'stopping before published rows were removed: they will be published again');
          return false;
        }
      }
    }
  }

  #startRead(shards: readonly number[], exclude: readonly OutboxRecord[]): PendingRead | undefined {
    if (shards.length === 0) return undefined;
    const byId = this.#options.readByIdWhenOwningAll && shards.length === SHARD_COUNT;
    const limits = byId ? undefined : this.#quota.limitsFor(shards);
    const result = this.#options.reader.read(
      limits === undefined ? { plan: 'by-id', shards, limit: this.#options.batchSize, exclude } : { plan: 'by-shard', limits, exclude },
    );
    // Handled by whoever awaits it; this keeps an abandoned read from being "unhandled".
    result.catch(() => undefined);
    return { limits, result };
  }

  async #failed(kind: RelayErrorKind, error: unknown, signal: AbortSignal): Promise<void> {
    this.#failures += 1;
    this.#lastError = { kind, message: error instanceof Error ? error.message : String(error) };
    this.#options.metrics.errors.inc({ kind });
    const delay = backoffDelay(this.#failures - 1, this.#options.backoff);
    this.#options.logger.warn({ err: error, kind, failures: this.#failures, retryInMs: delay }, 'relay batch step failed; backing off');
    await sleep(delay, signal);
  }

  #reportMissingPayloads(records: readonly OutboxRecord[]): void {
    this.#options.metrics.errors.inc({ kind: 'missing_payload' }, records.length);
    this.#options.logger.error(
      { outboxIds: records.map((record) => record.id), accounts: [...new Set(records.map((record) => record.accountId))] },
      'outbox rows whose authlog row is gone: nothing to publish, removing them',
    );
  }
}
