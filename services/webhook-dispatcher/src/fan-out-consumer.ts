import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '../../../shared/log/logger.js';
import { DecodeFailure } from '../../../shared/kafka/decode-failure.js';
import { deadLetterOf, type DeadLetter } from '../../../shared/kafka/dead-letter.js';
import type { DeadLetterPublisher } from '../../../shared/kafka/dead-letter-publisher.js';
import { waitWithHeartbeat } from '../../../shared/kafka/wait-with-heartbeat.js';
import { backoffDelay } from '../../../shared/util/backoff.js';
import { sleep } from '../../../shared/util/sleep.js';
import type { DispatcherMetrics, TailReading } from './dispatcher-metrics.js';
import type { DeliveryTarget, EndpointDirectory } from './endpoint-directory.js';
import type { LaneDelivery } from './endpoint-lane.js';
import { eventDelivery, matchingEndpoints, toRoutableEvent, type RoutableEvent } from './fan-out-plan.js';
import type { FirstAttempts } from './first-attempts.js';
import { PartitionTail } from './partition-tail.js';
import type { SettledMarks } from './settled-marks.js';

export interface FanOutSettings {
  readonly topic: string;
  readonly groupId: string;
  readonly partitionsConcurrently: number;
  /** Messages planned together (one endpoint lookup, one settled-marker check). */
  readonly chunkSize: number;
  /** Uncommitted messages per partition at which the partition stops taking more. */
  readonly tailMaxMessages: number;
  /** Age of the oldest unsettled message at which the partition stops taking more. */
  readonly tailMaxAgeMs: number;
  /** First attempts open in this process (queued or running) at which partitions stop taking more. */
  readonly firstAttemptBudget: number;
  readonly commitIntervalMs: number;
  /** How long stop() waits for first attempts and hand-offs before leaving the rest uncommitted. */
  readonly drainMs: number;
  readonly maxBodyBytes: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
}

export interface FanOutDependencies {
  readonly kafka: Kafka;
  readonly firstAttempts: FirstAttempts;
  readonly marks: SettledMarks;
  readonly directory: EndpointDirectory;
  readonly deadLetters: DeadLetterPublisher;
  readonly metrics: DispatcherMetrics;
  readonly logger: Logger;
  /** Called when the consumer crashed for good; the service then exits non-zero. */
  readonly onFatal: (error: unknown) => void;
}

/** A message parsed and routed: its deliveries, or none (dead-lettered, no endpoint, all settled). */
interface Planned {
  readonly offset: string;
  readonly deliveries: readonly { data: LaneDelivery['data']; target: DeliveryTarget; payload: Buffer }[];
}

/**
 * Kafka consumer group on the events topic. For each event it finds the account's matching
 * endpoints and hands one first attempt per endpoint to the in-process lanes (FirstAttempts); the
 * consumer does not wait for them. Each partition keeps its uncommitted tail (PartitionTail): the
 * committed offset is that of the oldest message with a delivery not yet settled (2xx, failed for
 * good, or durably in BullMQ), committed every `commitIntervalMs`. A partition whose tail is over
 * `tailMaxMessages` or whose oldest unsettled message is older than `tailMaxAgeMs` stops taking
 * messages until it drains, so a crash re-sends at most that tail, and the deadline hand-off keeps
 * any one endpoint from holding it. When Redis or MySQL are unreachable the partition waits
 * (backing off, heartbeating) instead of skipping ahead.
 */
export class FanOutConsumer {
  readonly #consumer: Consumer;
  readonly #abort = new AbortController();
  readonly #tails = new Map<number, PartitionTail>();
  #commitTimer: NodeJS.Timeout | undefined;
  #committing: Promise<void> | undefined;
  #failingSince: number | undefined;
  #lastError: string | undefined;
  /** Deliveries per message, recent mean: turns the first-attempt budget into messages to take. */
  #fanOutRatio = 1;
  /** Deliveries partitions are planning right now (taken against the budget before they are submitted). */
  #reserved = 0;

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
    // Partitions given to another member: their tails are that member's to re-read and commit now.
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, ({ payload }) => {
      const mine = new Set(payload.memberAssignment[settings.topic] ?? []);
      for (const partition of this.#tails.keys()) if (!mine.has(partition)) this.#tails.delete(partition);
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
    this.#commitTimer = setInterval(() => void this.#commit(), this.settings.commitIntervalMs);
  }

  /**
   * Stops taking messages, lets the first attempts in hand finish or go to BullMQ (bounded by
   * `drainMs`), commits what is settled, and leaves the group.
   */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#consumer.pause([{ topic: this.settings.topic }]);
    await this.deps.firstAttempts.drain(this.settings.drainMs);
    clearInterval(this.#commitTimer);
    await this.#commit();
    await this.#consumer.disconnect();
  }

  /** Each partition's uncommitted tail, for /metrics. */
  tails(): TailReading[] {
    const now = Date.now();
    return [...this.#tails].map(([partition, tail]) => ({ partition, messages: tail.count, ageMs: tail.ageMs(now) }));
  }

  health(): { status: 'ok' | 'degraded'; failingForMs?: number; lastError?: string } {
    if (this.#failingSince === undefined) return { status: 'ok' };
    return { status: 'degraded', failingForMs: Date.now() - this.#failingSince, ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }) };
  }

  async #eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    let tail = this.#tails.get(batch.partition);
    // Offsets at or before what was taken: a re-fetch after a rebalance or seek; its old tail is not ours to commit.
    if (tail === undefined || (tail.lastTaken !== undefined && BigInt(batch.firstOffset() ?? '0') <= BigInt(tail.lastTaken))) {
      tail = new PartitionTail();
      this.#tails.set(batch.partition, tail);
    }
    for (let start = 0; start < batch.messages.length; ) {
      if (!isRunning() || isStale() || this.#abort.signal.aborted) return;
      const room = await this.#roomIn(tail, heartbeat);
      if (room === 0) return;
      const chunk = batch.messages.slice(start, start + Math.min(this.settings.chunkSize, room));
      start += chunk.length;
      const reserved = Math.ceil(chunk.length * this.#fanOutRatio);
      this.#reserved += reserved;
      try {
        await this.#takeChunk(batch.topic, batch.partition, chunk, tail, heartbeat);
      } finally {
        this.#reserved -= reserved;
      }
      if (this.#abort.signal.aborted) return;
      // Read, not committed: the next fetch starts after it; the commit follows the tail.
      resolveOffset(chunk[chunk.length - 1]!.offset);
      this.deps.metrics.eventsConsumed.inc(chunk.length);
      await heartbeat();
    }
  }

  /** Dead-letters what cannot be sent, plans the rest and hands its first attempts to the lanes. */
  async #takeChunk(topic: string, partition: number, chunk: KafkaMessage[], tail: PartitionTail, heartbeat: () => Promise<void>): Promise<void> {
    const { events, dead } = this.#parse(topic, partition, chunk);
    // The publisher retries until Kafka has the letters (or the consumer stops, which throws).
    await waitWithHeartbeat(this.deps.deadLetters.publish(dead, this.#abort.signal), heartbeat, this.settings.heartbeatIntervalMs);
    let planned: Planned[] = [];
    await this.#untilDone('fan-out', async () => void (planned = await this.#plan(chunk, events)), heartbeat);
    if (this.#abort.signal.aborted) return;
    const now = Date.now();
    let deliveries = 0;
    for (const message of planned) {
      const entry = tail.take(message.offset, message.deliveries.length, now);
      const onSettled = () => tail.settle(entry);
      deliveries += message.deliveries.length;
      for (const delivery of message.deliveries) this.deps.firstAttempts.submit({ ...delivery, takenAt: now, onSettled });
    }
    this.#fanOutRatio = this.#fanOutRatio * 0.7 + (deliveries / chunk.length) * 0.3;
  }

  /** Messages the tail can take now; waits (heartbeating) while it is over its bounds, 0 when stopping. */
  async #roomIn(tail: PartitionTail, heartbeat: () => Promise<void>): Promise<number> {
    let lastBeat = Date.now();
    for (;;) {
      if (this.#abort.signal.aborted) return 0;
      const budget = this.settings.firstAttemptBudget - this.deps.firstAttempts.open - this.#reserved;
      // Nothing open at all: one message goes even if its endpoints alone exceed the budget.
      const idle = this.deps.firstAttempts.open + this.#reserved === 0;
      const room = Math.min(this.settings.tailMaxMessages - tail.count, Math.max(idle ? 1 : 0, Math.floor(budget / Math.max(0.01, this.#fanOutRatio))));
      if (room > 0 && tail.unsettledAgeMs() < this.settings.tailMaxAgeMs) return room;
      await sleep(10, this.#abort.signal);
      if (Date.now() - lastBeat >= this.settings.heartbeatIntervalMs) {
        lastBeat = Date.now();
        await heartbeat();
      }
    }
  }

  /** Endpoints, targets and settled markers of a chunk: what each message must still be sent to. */
  async #plan(chunk: readonly KafkaMessage[], events: ReadonlyMap<string, RoutableEvent>): Promise<Planned[]> {
    const list = [...events.values()];
    const routes = list.length === 0 ? new Map() : await this.deps.directory.routesFor(list.map((event) => event.accountId));
    const pairs: { offset: string; event: RoutableEvent; endpointId: string; messageId: string }[] = [];
    for (const [offset, event] of events) {
      for (const endpointId of matchingEndpoints(event, routes)) pairs.push({ offset, event, endpointId, messageId: event.messageId });
    }
    const endpointIds = [...new Set(pairs.map((pair) => pair.endpointId))];
    const [targets, settled] = await Promise.all([
      Promise.all(endpointIds.map((id) => this.deps.directory.target(id))),
      this.deps.marks.settled(pairs),
    ]);
    const targetOf = new Map(endpointIds.map((id, index) => [id, targets[index]]));
    const byOffset = new Map<string, Planned['deliveries'][number][]>();
    const payloads = new Map<RoutableEvent, Buffer>();
    pairs.forEach((pair, index) => {
      const target = targetOf.get(pair.endpointId);
      if (target === undefined) return this.deps.firstAttempts.skip('endpoint_deleted');
      if (settled[index] === true) return this.deps.firstAttempts.skip('already_settled');
      let payload = payloads.get(pair.event);
      // One serialisation per event, shared by its endpoints (signing and the request body).
      if (payload === undefined) payloads.set(pair.event, (payload = Buffer.from(pair.event.body)));
      let list = byOffset.get(pair.offset);
      if (list === undefined) byOffset.set(pair.offset, (list = []));
      list.push({ data: eventDelivery(pair.event, pair.endpointId), target, payload });
    });
    return chunk.map((message) => ({ offset: message.offset, deliveries: byOffset.get(message.offset) ?? [] }));
  }

  /** Commits each partition's settled offset; a failure is retried at the next interval. */
  #commit(): Promise<void> {
    this.#committing ??= this.#commitOnce().finally(() => (this.#committing = undefined));
    return this.#committing;
  }

  async #commitOnce(): Promise<void> {
    const offsets: { tail: PartitionTail; partition: number; offset: string }[] = [];
    for (const [partition, tail] of this.#tails) {
      const offset = tail.committable();
      if (offset !== undefined) offsets.push({ tail, partition, offset });
    }
    if (offsets.length === 0) return;
    try {
      await this.#consumer.commitOffsets(offsets.map(({ partition, offset }) => ({ topic: this.settings.topic, partition, offset })));
      for (const { tail, offset } of offsets) tail.committed(offset);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not commit settled offsets; retrying at the next interval');
    }
  }

  #parse(topic: string, partition: number, messages: readonly KafkaMessage[]): { events: Map<string, RoutableEvent>; dead: DeadLetter[] } {
    const events = new Map<string, RoutableEvent>();
    const dead: DeadLetter[] = [];
    for (const message of messages) {
      const event = toRoutableEvent(message, this.settings.maxBodyBytes);
      if (event instanceof DecodeFailure) {
        this.deps.logger.warn({ reason: event.reason, error: event.error, partition, offset: message.offset }, 'event cannot be delivered as a webhook; dead-lettered');
        dead.push(deadLetterOf({ topic, partition, message }, event.reason, event.error));
      } else events.set(message.offset, event);
    }
    return { events, dead };
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
