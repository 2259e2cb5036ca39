import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '../../../shared/log/logger.js';
import { DecodeFailure } from '../../../shared/kafka/decode-failure.js';
import { deadLetterOf, type DeadLetter } from '../../../shared/kafka/dead-letter.js';
import type { DeadLetterPublisher } from '../../../shared/kafka/dead-letter-publisher.js';
import { waitWithHeartbeat } from '../../../shared/kafka/wait-with-heartbeat.js';
import { backoffDelay } from '../../../shared/util/backoff.js';
import { sleep } from '../../../shared/util/sleep.js';
import type { DeliveryQueue } from '../../../shared/webhooks/delivery-queue.js';
import type { DispatcherMetrics } from './dispatcher-metrics.js';
import type { EndpointDirectory } from './endpoint-directory.js';
import { planDeliveries, toRoutableEvent, type RoutableEvent } from './fan-out-plan.js';

export interface FanOutSettings {
  readonly topic: string;
  readonly groupId: string;
  readonly partitionsConcurrently: number;
  /** Messages fanned out per BullMQ addBulk and per offset commit. */
  readonly chunkSize: number;
  readonly maxBodyBytes: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
}

export interface FanOutDependencies {
  readonly kafka: Kafka;
  readonly queue: DeliveryQueue;
  readonly directory: EndpointDirectory;
  readonly deadLetters: DeadLetterPublisher;
  readonly metrics: DispatcherMetrics;
  readonly logger: Logger;
  /** Called when the consumer crashed for good; the service then exits non-zero. */
  readonly onFatal: (error: unknown) => void;
}

/**
 * Kafka consumer group on the events topic: for each event, one BullMQ job per matching endpoint.
 * Offsets are committed only after BullMQ has every job of the messages before them (addBulk
 * resolved), so a crash re-reads at most the uncommitted tail, and the deterministic job ids plus
 * the settled markers make that re-read a no-op. When Redis or MySQL are unreachable the partition
 * waits (backing off, heartbeating) instead of skipping ahead.
 */
export class FanOutConsumer {
  readonly #consumer: Consumer;
  readonly #abort = new AbortController();
  #failingSince: number | undefined;
  #lastError: string | undefined;

  constructor(
    private readonly settings: FanOutSettings,
    private readonly deps: FanOutDependencies,
  ) {
    this.#consumer = deps.kafka.consumer({
      groupId: settings.groupId,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      maxWaitTimeInMs: 500,
    });
    this.#consumer.on(this.#consumer.events.CRASH, ({ payload }) => {
      deps.logger.error({ err: payload.error, restart: payload.restart }, 'fan-out consumer crashed');
      if (!payload.restart) deps.onFatal(payload.error);
    });
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    // Partitions without a committed offset were given one before (start-position.ts); one that
    // could not be (a race with another dispatcher) starts at the oldest message, never the newest.
    await this.#consumer.subscribe({ topic: this.settings.topic, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConcurrently,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
  }

  /** Stops fetching, lets the batch in hand finish (or abandons its back-off), leaves the group. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#consumer.disconnect();
  }

  health(): { status: 'ok' | 'degraded'; failingForMs?: number; lastError?: string } {
    if (this.#failingSince === undefined) return { status: 'ok' };
    return { status: 'degraded', failingForMs: Date.now() - this.#failingSince, ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }) };
  }

  async #eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const source = { topic: batch.topic, partition: batch.partition };
    for (let start = 0; start < batch.messages.length; start += this.settings.chunkSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + this.settings.chunkSize);
      const { events, dead } = this.#parse(batch.topic, batch.partition, chunk);
      // The publisher retries until Kafka has the letters (or the consumer stops, which throws).
      await waitWithHeartbeat(this.deps.deadLetters.publish(dead, this.#abort.signal), heartbeat, this.settings.heartbeatIntervalMs);
      await this.#untilDone('fan-out', () => this.#fanOut(events), heartbeat);
      if (this.#abort.signal.aborted) return;
      const last = chunk[chunk.length - 1]!.offset;
      resolveOffset(last);
      // The committed offset is the next one to read.
      await this.#consumer.commitOffsets([{ ...source, offset: (BigInt(last) + 1n).toString() }]);
      this.deps.metrics.eventsConsumed.inc(chunk.length);
      await heartbeat();
    }
  }

  #parse(topic: string, partition: number, messages: readonly KafkaMessage[]): { events: RoutableEvent[]; dead: DeadLetter[] } {
    const events: RoutableEvent[] = [];
    const dead: DeadLetter[] = [];
    for (const message of messages) {
      const event = toRoutableEvent(message, this.settings.maxBodyBytes);
      if (event instanceof DecodeFailure) {
        this.deps.logger.warn({ reason: event.reason, error: event.error, partition, offset: message.offset }, 'event cannot be delivered as a webhook; dead-lettered');
        dead.push(deadLetterOf({ topic, partition, message }, event.reason, event.error));
      } else events.push(event);
    }
    return { events, dead };
  }

  async #fanOut(events: readonly RoutableEvent[]): Promise<void> {
    if (events.length === 0) return;
    const routes = await this.deps.directory.routesFor(events.map((event) => event.accountId));
    const jobs = planDeliveries(events, routes);
    await this.deps.queue.enqueue(jobs);
    this.deps.metrics.jobsEnqueued.inc(jobs.length);
  }

  /** Runs `step` until it succeeds or the consumer stops, backing off and heartbeating between tries. */
  async #untilDone(what: string, step: () => Promise<void>, heartbeat: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      if (this.#abort.signal.aborted) return;
      try {
        await step();
        this.#failingSince = undefined;
        this.#lastError = undefined;
        return;
      } catch (error) {
        this.#failingSince ??= Date.now();
        this.#lastError = error instanceof Error ? error.message : String(error);
        const waitMs = backoffDelay(attempt);
        this.deps.logger.warn({ err: error, step: what, attempt, waitMs }, 'fan-out step failed; partition waits and retries');
        const slice = this.settings.heartbeatIntervalMs;
        for (let waited = 0; waited < waitMs && !this.#abort.signal.aborted; waited += slice) {
          await sleep(Math.min(slice, waitMs - waited), this.#abort.signal);
          await heartbeat();
        }
      }
    }
  }
}
