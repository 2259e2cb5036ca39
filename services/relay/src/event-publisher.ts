import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { Logger } from '../../../shared/log/logger.js';
import { KafkaPublishError } from './errors/kafka-publish-error.js';
import { messageBytes } from './outbox-message.js';

/** The relay's view of Kafka: send these messages, in this order, and say when they are safe. */
export interface EventPublisher {
  /**
   * Resolves once Kafka acknowledged every message (acks=all). Rejects with KafkaPublishError,
   * whose `acknowledged` counts the leading messages that were acknowledged before the failure.
   */
  publish(messages: readonly Message[]): Promise<void>;
}

export interface KafkaEventPublisherOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  /** Bound of one produce request (all partitions). */
  readonly maxRequestBytes: number;
  /** Bound of one partition's record batch in a request: below the topic's max.message.bytes. */
  readonly maxPartitionBytes: number;
  readonly compression: 'none' | 'gzip';
  readonly logger: Logger;
}

/** Errors after which the producer's idempotence state (producer id, sequences) cannot be trusted. */
const PRODUCER_STATE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING']);
/** The broker refused a record batch as larger than the topic allows. */
const TOO_LARGE_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
const MIN_PARTITION_BYTES = 64 * 1024;
/** After this many failures in a row the producer is replaced anyway (fresh connections and metadata). */
const RESET_AFTER_FAILURES = 3;

/**
 * An idempotent kafkajs producer (acks=all, one request in flight, Java-compatible partitioner) that
 * sends a batch as consecutive requests of at most maxRequestBytes, each awaited before the next,
 * so the messages of one partition are appended in the order given and never two requests race.
 *
 * Retrying a failed request with the same producer reuses its sequence numbers, so a request the
 * broker did append before the failure is deduplicated by the broker. When the producer's
 * idempotence state is broken (or after repeated failures) it is replaced: a retry may then
 * duplicate the unacknowledged messages (same ce_id), never lose or reorder them.
 */
export class KafkaEventPublisher implements EventPublisher {
  readonly #options: KafkaEventPublisherOptions;
  #producer: Producer | undefined;
  #connecting: Promise<Producer> | undefined;
  #failures = 0;
  #partitionBytes: number;
  #partitionOf: ((message: Message) => number) | undefined;

  constructor(options: KafkaEventPublisherOptions) {
    this.#options = options;
    this.#partitionBytes = options.maxPartitionBytes;
  }

  async connect(): Promise<void> {
    await this.#ready();
  }

  async disconnect(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    this.#connecting = undefined;
    await producer?.disconnect();
  }

  async publish(messages: readonly Message[]): Promise<void> {
    const compression = this.#options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    let acknowledged = 0;
    try {
      const producer = await this.#ready();
      const pending = [...chunksOf(messages, { maxRequestBytes: this.#options.maxRequestBytes, maxPartitionBytes: this.#partitionBytes }, this.#partitionOf)];
      for (let chunk = pending.shift(); chunk !== undefined; chunk = pending.shift()) {
        try {
          await producer.send({ topic: this.#options.topic, acks: -1, compression, messages: chunk });
        } catch (error) {
          // One partition's share of the request exceeded the topic's max.message.bytes (keys are
          // skewed: a big tenant fills its partition). Send it in halves, and smaller from now on.
          if (chunk.length < 2 || !hasErrorType(error, TOO_LARGE_ERRORS)) throw error;
          const half = Math.ceil(chunk.length / 2);
          pending.unshift(chunk.slice(0, half), chunk.slice(half));
          this.#partitionBytes = Math.max(MIN_PARTITION_BYTES, Math.floor(this.#partitionBytes / 2));
          this.#partitionOf = undefined; // the partition count may have changed: count whole requests until the next connect
          this.#options.logger.warn({ messages: chunk.length, partitionBytes: this.#partitionBytes }, 'Kafka refused a request as too large; splitting it');
          continue;
        }
        acknowledged += chunk.length;
      }
      this.#failures = 0;
    } catch (error) {
      this.#failures += 1;
      if (this.#failures >= RESET_AFTER_FAILURES || hasErrorType(error, PRODUCER_STATE_ERRORS)) await this.#reset(error);
      throw new KafkaPublishError(acknowledged, messages.length, error);
    }
  }

  #ready(): Promise<Producer> {
    if (this.#producer !== undefined) return Promise.resolve(this.#producer);
    this.#connecting ??= (async () => {
      const producer = this.#options.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
        // Bounded, so that a send fails within seconds and the relay reports, backs off and retries
        // the same messages itself (kafkajs warns that limited retries "may invalidate EoS": our
        // retry of the same messages with the same producer keeps the broker's deduplication).
        retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
      });
      try {
        await producer.connect();
        this.#partitionOf = partitionerFor(await this.#partitionCount());
      } catch (error) {
        await producer.disconnect().catch(() => undefined);
        this.#connecting = undefined;
        throw error;
      }
      this.#producer = producer;
      return producer;
    })();
    return this.#connecting;
  }

  async #partitionCount(): Promise<number> {
    const admin = this.#options.kafka.admin();
    await admin.connect();
    try {
      const [topic] = (await admin.fetchTopicMetadata({ topics: [this.#options.topic] })).topics;
      return topic?.partitions.length ?? 0;
    } finally {
      await admin.disconnect();
    }
  }

  async #reset(cause: unknown): Promise<void> {
    this.#options.logger.warn({ err: cause, failures: this.#failures }, 'replacing the Kafka producer');
    const producer = this.#producer;
    this.#producer = undefined;
    this.#connecting = undefined;
    this.#failures = 0;
    await producer?.disconnect().catch(() => undefined);
  }
}

export interface ChunkLimits {
  readonly maxRequestBytes: number;
  readonly maxPartitionBytes: number;
}

/**
 * Consecutive slices small enough for one produce request: at most maxRequestBytes in all, and at
 * most maxPartitionBytes for any one partition (each partition's messages become one record batch,
 * which the broker refuses above the topic's max.message.bytes). Without `partitionOf` every
 * message counts against one partition: the safe bound when the partitions are unknown.
 * A single larger message goes alone.
 */
export function* chunksOf(messages: readonly Message[], limits: ChunkLimits, partitionOf?: (message: Message) => number): Generator<Message[]> {
  let chunk: Message[] = [];
  let bytes = 0;
  let perPartition = new Map<number, number>();
  for (const message of messages) {
    const size = messageBytes(message);
    const partition = partitionOf?.(message) ?? 0;
    const partitionBytes = perPartition.get(partition) ?? 0;
    if (chunk.length > 0 && (bytes + size > limits.maxRequestBytes || partitionBytes + size > limits.maxPartitionBytes)) {
      yield chunk;
      chunk = [];
      bytes = 0;
      perPartition = new Map();
    }
    chunk.push(message);
    bytes += size;
    perPartition.set(partition, (perPartition.get(partition) ?? 0) + size);
  }
  if (chunk.length > 0) yield chunk;
}

/** The partition kafkajs' DefaultPartitioner (Java-compatible murmur2 of the key) picks, for `partitions` partitions. */
export function partitionerFor(partitions: number): ((message: Message) => number) | undefined {
  if (partitions < 1) return undefined;
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
  return (message) => partitioner({ topic: '', partitionMetadata, message });
}

/** Whether a kafkajs protocol error of one of `types` is in the error's cause chain. */
function hasErrorType(error: unknown, types: ReadonlySet<string>): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    // By name: kafkajs is CommonJS and its error classes are not visible as ESM named exports.
    const type = (current as { type?: unknown }).type;
    if (current.name === 'KafkaJSProtocolError' && typeof type === 'string' && types.has(type)) return true;
  }
  return false;
}
