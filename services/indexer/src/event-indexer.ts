import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { EventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import type { Logger } from '../../../shared/log/logger.js';
import type { BulkIndexer } from './bulk-indexer.js';
import { deadLetterOf } from '../../../shared/kafka/dead-letter.js';
import type { DeadLetterPublisher } from '../../../shared/kafka/dead-letter-publisher.js';
import { waitWithHeartbeat } from '../../../shared/kafka/wait-with-heartbeat.js';
import { ConsumerCrashedError } from './errors/consumer-crashed-error.js';
import { DrainIncompleteError } from './errors/drain-incomplete-error.js';
import { RetryAbortedError } from '../../../shared/errors/retry-aborted-error.js';
import type { IndexerMetrics } from './indexer-metrics.js';
import { MessageBatch, type BatchLimits } from './message-batch.js';
import { OffsetLedger } from './offset-ledger.js';
import { OrderedPipeline } from './ordered-pipeline.js';

export interface EventIndexerOptions {
  readonly consumer: Consumer;
  readonly topic: string;
  readonly groupId: string;
  readonly names: EventIndexNames;
  readonly bulk: BulkIndexer;
  readonly deadLetters: DeadLetterPublisher;
  readonly metrics: IndexerMetrics;
  readonly logger: Logger;
  readonly limits: BatchLimits & { readonly lingerMs: number; readonly maxInFlight: number };
  readonly heartbeatIntervalMs: number;
  /** stop() gives up retrying after this long, so the process can still exit before its deadline. */
  readonly drainTimeoutMs: number;
  /** Called between a bulk's success and its commit (test failpoint); a no-op in production. */
  readonly afterBulk: () => Promise<void>;
  /** The consumer cannot go on (kafkajs will not restart it, or a bug): the process must exit. */
  readonly onFatal: (error: unknown) => void;
}

type State = 'IDLE' | 'RUNNING' | 'DRAINING' | 'STOPPED';

/**
 * Kafka to Elasticsearch. Messages from any partition accumulate into a batch that is sealed when
 * it holds maxDocs documents or maxBytes bytes, or when its first message has waited lingerMs. A
 * sealed batch becomes one _bulk request (up to maxInFlight at once). Bulks are acknowledged in
 * the order they were sealed: a batch's offsets are committed only once it and every earlier batch
 * are indexed or dead-lettered, so a committed offset never passes a message that is not in
 * Elasticsearch or the dead-letter topic. While Elasticsearch fails, the topic is paused and the
 * same bulk is retried; eachBatch waits for a free slot (back-pressure) while heartbeating.
 */
export class EventIndexer {
  #state: State = 'IDLE';
  #open: MessageBatch;
  #linger: NodeJS.Timeout | undefined;
  #failingBulks = 0;
  #paused = false;
  #fatal: unknown;
  #lastIndexedAt: Date | undefined;
  /** Bulks in flight (at most maxInFlight), their offsets committed in seal order. */
  readonly #bulks: OrderedPipeline;
  readonly #ledger = new OffsetLedger();
  readonly #abort = new AbortController();
  readonly #options: EventIndexerOptions;

  constructor(options: EventIndexerOptions) {
    this.#options = options;
    // RetryAbortedError is expected only when stop() gave up; anything else must not go unnoticed.
    this.#bulks = new OrderedPipeline(options.limits.maxInFlight, (error) => {
      if (!(error instanceof RetryAbortedError)) this.#failed(error);
    });
    this.#open = this.#newBatch();
  }

  async start(): Promise<void> {
    const { consumer, topic, logger } = this.#options;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const partitions = event.payload.memberAssignment[topic] ?? [];
      this.#ledger.assign(partitions);
      this.#options.metrics.rebalances.inc();
      logger.info({ partitions, memberId: event.payload.memberId }, 'partitions assigned');
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (event.payload.restart) logger.warn({ err: event.payload.error }, 'Kafka consumer crashed; kafkajs restarts it (uncommitted messages are read again)');
      else this.#failed(new ConsumerCrashedError(this.#options.groupId, event.payload.error));
    });
    await consumer.connect();
    // A new group starts from the oldest retained message: an indexer that starts late misses nothing.
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    this.#state = 'RUNNING';
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.#onBatch(payload),
    });
  }

  /** Stops fetching, indexes and commits what was fetched, leaves the group. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.#state === 'STOPPED' || this.#state === 'DRAINING') return this.#bulks.drain().catch(() => {});
    const { consumer, logger } = this.#options;
    this.#state = 'DRAINING';
    clearTimeout(this.#linger);
    this.#pauseFetching();
    const giveUp = setTimeout(() => this.#abort.abort(), this.#options.drainTimeoutMs);
    let incomplete: unknown;
    try {
      // eachBatch adds nothing once DRAINING, so after this seal every fetched message is in a bulk.
      void this.#seal();
      await this.#bulks.drain();
    } catch (error) {
      incomplete = error;
    } finally {
      clearTimeout(giveUp);
      await consumer.disconnect().catch((error: unknown) => logger.warn({ err: error }, 'Kafka consumer did not disconnect cleanly'));
      this.#paused = false;
      this.#options.metrics.paused.set(0);
      this.#state = 'STOPPED';
    }
    if (incomplete !== undefined) throw new DrainIncompleteError(this.#bulks.pending, { cause: incomplete });
    logger.info({}, 'indexer drained: every fetched message is indexed or dead-lettered, and committed');
  }

  health(): { status: 'ok' | 'degraded' | 'failing'; checks: Record<string, unknown> } {
    const checks = {
      consumer: this.#fatal === undefined ? this.#state : 'CRASHED',
      // Elasticsearch, or Kafka refusing dead letters: either way the same bulk is being retried.
      bulks: this.#failingBulks > 0 ? 'retrying' : 'ok',
      consumptionPaused: this.#paused,
      assignedPartitions: this.#ledger.assigned,
      bulksPending: this.#bulks.pending,
      lastIndexedAt: this.#lastIndexedAt?.toISOString() ?? null,
    };
    const status = this.#fatal !== undefined ? 'failing' : this.#failingBulks > 0 ? 'degraded' : 'ok';
    return { status, checks };
  }

  async #onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const everyMs = this.#options.heartbeatIntervalMs;
    // Stopping, a rebalance or a seek can only happen while this handler awaits: checked after each await.
    const goOn = () => this.#state === 'RUNNING' && isRunning() && !isStale();
    if (!goOn()) return;
    const { messages, partition } = batch;
    // The fetch position moves on to the last message added (the commit position moves only when
    // its bulk is acknowledged). Resolved once, not per message: kafkajs parses and formats the
    // offset as a 64-bit number on every call.
    let lastAdded: string | undefined;
    try {
      for (let i = 0; i < messages.length; i += 1) {
        const message = messages[i]!;
        this.#open.add(partition, message);
        lastAdded = message.offset;
        if (this.#open.isFull()) {
          // Back-pressure: wait until the bulk starts (a free slot), heartbeating meanwhile.
          await waitWithHeartbeat(this.#seal(), heartbeat, everyMs);
          if (!goOn()) break;
        } else if ((i + 1) % 500 === 0) {
          await heartbeat();
          if (!goOn()) break;
        }
      }
    } finally {
      if (lastAdded !== undefined) resolveOffset(lastAdded);
    }
    if (this.#open.isEmpty) return;
    if (this.#state !== 'RUNNING' || this.#open.ageMs() >= this.#options.limits.lingerMs) await waitWithHeartbeat(this.#seal(), heartbeat, everyMs);
    else this.#armLinger();
  }

  #armLinger(atLeastMs = 0): void {
    if (this.#linger !== undefined) return;
    const delay = Math.max(atLeastMs, this.#options.limits.lingerMs - this.#open.ageMs());
    this.#linger = setTimeout(() => {
      this.#linger = undefined;
      if (this.#state !== 'RUNNING' || this.#open.isEmpty) return;
      // Every slot busy and a bulk already queued: let this batch grow instead of queueing small
      // ones, and look again a little later (not at once: that would spin while Elasticsearch is slow).
      if (this.#bulks.queued > 0) this.#armLinger(LINGER_RECHECK_MS);
      else void this.#seal();
    }, delay);
  }

  /** Turns the open batch into a bulk; resolves when that bulk has a slot (or has settled). */
  #seal(): Promise<void> {
    clearTimeout(this.#linger);
    this.#linger = undefined;
    const batch = this.#open;
    if (batch.isEmpty) return Promise.resolve();
    this.#open = this.#newBatch();
    return this.#bulks.submit(
      () => this.#index(batch),
      async () => {
        await this.#options.afterBulk();
        this.#ledger.acknowledge(batch.nextOffsets);
        await this.#commit();
      },
    );
  }

  /** Indexes a batch and dead-letters what must be: afterwards every message of it is safe. */
  async #index(batch: MessageBatch): Promise<void> {
    const { bulk, deadLetters, metrics } = this.#options;
    const signal = this.#abort.signal;
    let failing = false;
    const failingChanged = {
      onFailing: () => ((failing = true), this.#failingChanged(+1)),
      onRecovered: () => ((failing = false), this.#failingChanged(-1)),
    };
    try {
      const result = await bulk.index(batch.items, { signal, ...failingChanged });
      const letters = [...batch.deadLetters, ...result.rejected.map((rejection) => deadLetterOf(rejection.item.origin, rejection.reason, rejection.error))];
      await deadLetters.publish(letters, signal, failingChanged);
      for (const letter of letters) this.#options.logger.warn({ reason: letter.reason, error: letter.error, partition: letter.partition, offset: letter.offset }, 'message dead-lettered');
      metrics.indexed.inc(result.indexed);
      if (result.indexed > 0) this.#lastIndexedAt = new Date();
    } finally {
      if (failing) this.#failingChanged(-1);
    }
  }

  async #commit(): Promise<void> {
    const entries = this.#ledger.committable();
    if (entries.length === 0) return;
    const { consumer, topic, logger, metrics } = this.#options;
    try {
      await consumer.commitOffsets(entries.map((entry) => ({ topic, ...entry })));
      this.#ledger.markCommitted(entries);
    } catch (error) {
      // Typically a rebalance: the offsets stay pending and go out with the next commit (or are
      // forgotten with the partition, whose next owner re-reads a few messages: harmless by _id).
      metrics.commitFailures.inc();
      logger.warn({ err: error, entries }, 'offset commit failed; will retry with the next bulk');
    }
  }

  #failingChanged(delta: number): void {
    this.#failingBulks += delta;
    // While draining, fetching stays paused whatever Elasticsearch does.
    if (this.#state === 'RUNNING') this.#setPaused(this.#failingBulks > 0);
  }

  #setPaused(paused: boolean): void {
    if (paused === this.#paused) return;
    const { consumer, topic, logger, metrics } = this.#options;
    try {
      if (paused) consumer.pause([{ topic }]);
      else consumer.resume([{ topic }]);
    } catch (error) {
      // Pausing only saves fetching; eachBatch's back-pressure holds the messages back anyway.
      logger.warn({ err: error }, 'could not pause or resume consumption');
      return;
    }
    this.#paused = paused;
    metrics.paused.set(paused ? 1 : 0);
    logger.warn({ topic, paused }, paused ? 'bulks failing: consumption paused while the same bulk is retried' : 'consumption resumed');
  }

  /** Draining: nothing more is added, so stop fetching what would only be fetched again later. */
  #pauseFetching(): void {
    try {
      this.#options.consumer.pause([{ topic: this.#options.topic }]);
    } catch {
      // Not running (never started, or crashed): nothing to pause.
    }
  }

  #failed(error: unknown): void {
    if (this.#fatal !== undefined) return;
    this.#fatal = error;
    this.#options.logger.error({ err: error }, 'indexer cannot continue');
    this.#options.onFatal(error);
  }

  #newBatch(): MessageBatch {
    return new MessageBatch(this.#options.topic, this.#options.names, this.#options.limits);
  }
}

const LINGER_RECHECK_MS = 20;
