import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { RetryAbortedError } from '../errors/retry-aborted-error.js';
import type { DeadLetter } from '../kafka/dead-letter.js';
import { deadLetterOf } from '../kafka/dead-letter.js';
import { DeadLetterPublisher } from '../kafka/dead-letter-publisher.js';
import { DecodeFailure } from '../kafka/decode-failure.js';
import { decodeEventMessage } from '../kafka/event-message-decoder.js';
import { waitForTopic } from '../kafka/wait-for-topic.js';
import type { Logger } from '../log/logger.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../util/backoff.js';
import { sleep } from '../util/sleep.js';
import type { FirehoseEvent, FirehoseHandler } from './firehose-event.js';
import { FirehoseRejection } from './firehose-rejection.js';

export interface FirehoseOptions {
  readonly kafka: Kafka;
  /** The events topic (authlog.events.v1), or a topic filled by npm run republish. */
  readonly topic: string;
  /** Your team's consumer group: offsets are kept per group, so each group sees every event. */
  readonly groupId: string;
  readonly handler: FirehoseHandler;
  readonly logger: Logger;
  /** Where undecodable or rejected events go, with the reason in authlog-dlq-* headers. Default `<topic>.<groupId>.dlq`. */
  readonly deadLetterTopic?: string;
  /** A new group starts at the oldest retained event (default) or only at new ones. */
  readonly fromBeginning?: boolean;
  /** Offsets are committed after this many handled events, and at the end of every fetched batch. Default 100. */
  readonly commitEvery?: number;
  readonly backoff?: BackoffPolicy;
  /** How long stop() keeps trying to publish the last dead letters before leaving them to be read again. Default 10 s. */
  readonly drainTimeoutMs?: number;
  /** How long start() waits for the topic to exist and serve (the relay or republish creates it). Default 60 s. */
  readonly topicWaitMs?: number;
  /** Told about every dead letter and handler retry (metrics). */
  readonly observer?: FirehoseObserver;
}

export interface FirehoseObserver {
  handled?(event: FirehoseEvent): void;
  deadLettered?(reason: string): void;
  handlerRetry?(error: unknown, attempt: number, delayMs: number): void;
}

type State = 'IDLE' | 'RUNNING' | 'STOPPING' | 'STOPPED';

/**
 * The firehose for other teams: a Kafka consumer group on the events topic that hands each event,
 * decoded and validated exactly as the indexer and the webhook dispatcher do it
 * (decodeEventMessage, the model the published schemas are generated from), to your handler, one
 * at a time per partition. At-least-once: an offset is committed only once its event was handled
 * or dead-lettered (DeadLetterPublisher resolves once Kafka has the letter), so a crash or a
 * rebalance replays a few events, never skips one. See docs/firehose.md.
 */
export class FirehoseConsumer {
  #state: State = 'IDLE';
  #consumer: Consumer | undefined;
  /** Aborted by stop(): handlers and their retries give up. */
  readonly #abort = new AbortController();
  /** Aborted by stop() only after drainTimeoutMs: the last dead letters still get their chance. */
  readonly #drain = new AbortController();
  #retrying = 0;
  #lastHandledAt: Date | undefined;
  readonly #options: FirehoseOptions;
  readonly #deadLetters: DeadLetterPublisher;
  readonly #producer;
  readonly #deadLetterTopic: string;

  constructor(options: FirehoseOptions) {
    this.#options = options;
    this.#deadLetterTopic = options.deadLetterTopic ?? `${options.topic}.${options.groupId}.dlq`;
    this.#producer = options.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    this.#deadLetters = new DeadLetterPublisher(
      this.#producer,
      { topic: this.#deadLetterTopic, consumerGroup: options.groupId, backoff: options.backoff ?? DEFAULT_BACKOFF },
      {
        published: (reason) => options.observer?.deadLettered?.(reason),
        publishRetry: (error, attempt, delayMs) => options.logger.warn({ err: error, attempt, delayMs }, 'dead-letter publish failed; retrying'),
      },
    );
  }

  get deadLetterTopic(): string {
    return this.#deadLetterTopic;
  }

  /** Connects, creates the dead-letter topic if missing, joins the group; resolves once consuming. */
  async start(): Promise<void> {
    if (this.#state !== 'IDLE') throw new Error(`firehose consumer already ${this.#state.toLowerCase()}`);
    const { kafka, topic, groupId, logger } = this.#options;
    await this.#producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitForTopic(admin, topic, { waitMs: this.#options.topicWaitMs ?? 60_000, signal: this.#abort.signal });
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      await this.#deadLetters.ensureTopic(admin, { partitions: metadata.topics[0]?.partitions.length ?? 1, sourceTopic: topic });
    } finally {
      await admin.disconnect();
    }
    const consumer = kafka.consumer({ groupId });
    this.#consumer = consumer;
    consumer.on(consumer.events.CRASH, (event) => logger.error({ err: event.payload.error, restart: event.payload.restart }, 'firehose consumer crashed'));
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: this.#options.fromBeginning ?? true });
    this.#state = 'RUNNING';
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch: (payload) => this.#onBatch(payload) });
    logger.info({ topic, groupId, deadLetterTopic: this.#deadLetterTopic }, 'firehose consumer running');
  }

  /** Stops after the event in hand (a handler retrying gives up: its event is replayed later), commits, leaves the group. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.#state === 'STOPPED' || this.#state === 'STOPPING') return;
    this.#state = 'STOPPING';
    this.#abort.abort();
    const giveUp = setTimeout(() => this.#drain.abort(), this.#options.drainTimeoutMs ?? 10_000);
    await this.#consumer?.disconnect().catch((error: unknown) => this.#options.logger.warn({ err: error }, 'consumer did not disconnect cleanly'));
    clearTimeout(giveUp);
    await this.#producer.disconnect().catch(() => {});
    this.#state = 'STOPPED';
  }

  /** For your /healthz: degraded while a handler is being retried. */
  health(): { status: 'ok' | 'degraded'; state: string; handlersRetrying: number; lastHandledAt: string | null } {
    return { status: this.#retrying > 0 ? 'degraded' : 'ok', state: this.#state, handlersRetrying: this.#retrying, lastHandledAt: this.#lastHandledAt?.toISOString() ?? null };
  }

  async #onBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const goOn = () => this.#state === 'RUNNING' && isRunning() && !isStale();
    const { partition, topic } = batch;
    const commitEvery = this.#options.commitEvery ?? 100;
    const letters: DeadLetter[] = [];
    let done = 0;
    let next: string | undefined;
    // Letters first, then the offsets past them: a committed offset never passes an event that is neither handled nor dead-lettered.
    const flush = async () => {
      if (letters.length > 0) {
        await this.#deadLetters.publish(letters.splice(0), this.#drain.signal);
      }
      // Explicit offsets: with autoCommit off, kafkajs commits nothing on its own.
      if (next !== undefined) await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
      next = undefined;
    };
    try {
      for (const message of batch.messages) {
        if (!goOn()) break;
        const decoded = decodeEventMessage(message, toFirehoseEvent, { partition, offset: message.offset });
        if (decoded instanceof DecodeFailure) letters.push(deadLetterOf({ topic, partition, message }, decoded.reason, decoded.error));
        else {
          const rejection = await this.#handle(decoded, heartbeat);
          if (rejection === STOPPED) break;
          if (rejection !== undefined) letters.push(deadLetterOf({ topic, partition, message }, rejection.reason, rejection.message));
        }
        resolveOffset(message.offset);
        next = (BigInt(message.offset) + 1n).toString();
        done += 1;
        if (done % commitEvery === 0) {
          await flush();
          await heartbeat();
        }
      }
      await flush();
    } catch (error) {
      // Only stop() (after its drain timeout) aborts the dead-letter retry: the unflushed offsets stay uncommitted and are read again.
      if (!(error instanceof RetryAbortedError)) throw error;
    }
  }

  /** Runs the handler until it succeeds or rejects the event; STOPPED when stop() interrupted it. */
  async #handle(event: FirehoseEvent, heartbeat: () => Promise<void>): Promise<FirehoseRejection | undefined | typeof STOPPED> {
    const { handler, logger, observer } = this.#options;
    const signal = this.#abort.signal;
    let retrying = false;
    try {
      for (let attempt = 0; ; attempt += 1) {
        try {
          await handler(event, signal);
          observer?.handled?.(event);
          this.#lastHandledAt = new Date();
          return undefined;
        } catch (error) {
          if (error instanceof FirehoseRejection) return error;
          if (signal.aborted) return STOPPED;
          if (!retrying) {
            retrying = true;
            this.#retrying += 1;
          }
          const delayMs = backoffDelay(attempt, this.#options.backoff ?? DEFAULT_BACKOFF);
          observer?.handlerRetry?.(error, attempt, delayMs);
          logger.warn({ err: error, id: event.id, partition: event.partition, offset: event.offset, attempt, delayMs }, 'firehose handler failed; retrying (the partition waits)');
          await sleep(delayMs, signal);
          if (signal.aborted) return STOPPED;
          await heartbeat();
        }
      }
    } finally {
      if (retrying) this.#retrying -= 1;
    }
  }
}

const STOPPED = Symbol('stopped');

function toFirehoseEvent(event: FirehoseEvent['event'], _raw: Buffer | undefined, type: string, where: { partition: number; offset: string }): FirehoseEvent {
  return { event, type, id: event.txid, partition: where.partition, offset: where.offset };
}

