import type { KafkaMessage } from 'kafkajs';
import type { EventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import type { AuthEvent } from '../../../shared/event/auth-event.js';
import type { EventKeys } from '../../../shared/event/canonical-event-bytes.js';
import { DecodeFailure } from '../../../shared/kafka/decode-failure.js';
import { deadLetterOf, type DeadLetter, type KafkaOrigin } from '../../../shared/kafka/dead-letter.js';
import { decodeEventKeys } from '../../../shared/kafka/event-message-decoder.js';
import { toSourceBulkItem, type BulkItem } from './bulk-item.js';

export interface BatchLimits {
  readonly maxDocs: number;
  readonly maxBytes: number;
  readonly maxDocumentBytes: number;
}

/**
 * The messages of one future bulk request, from any partitions: documents to index, messages
 * already known to be bad (dead letters), and per partition the offset to commit once all of them
 * are indexed or dead-lettered (last offset + 1).
 */
export class MessageBatch {
  readonly items: BulkItem<KafkaOrigin>[] = [];
  readonly deadLetters: DeadLetter[] = [];
  /** Per partition, the offset of its last message (as kafkajs gives it); nextOffsets adds one. */
  readonly #lastOffsets = new Map<number, string>();
  /** Decoded event to bulk item; built once per batch, not per message. */
  readonly #toItem: (keys: EventKeys, source: Buffer | AuthEvent, type: string, origin: KafkaOrigin) => BulkItem<KafkaOrigin>;
  /** When the first message arrived: the linger time counts from there. */
  #firstAt: number | undefined;
  #bytes = 0;
  #messages = 0;

  constructor(
    readonly topic: string,
    names: EventIndexNames,
    private readonly limits: BatchLimits,
  ) {
    // The value's own bytes when they are the event as it is; else the validated event, serialised.
    // The origin is also the document's Kafka position (lineage: the trace reads it from the index).
    this.#toItem = (keys, source, _type, origin) => toSourceBulkItem(names, keys, origin, Buffer.isBuffer(source) ? source : JSON.stringify(source), origin);
  }

  get messages(): number {
    return this.#messages;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get isEmpty(): boolean {
    return this.#messages === 0;
  }

  /** Per partition, the offset to commit once the batch is done: its last message's offset + 1. */
  get nextOffsets(): Map<number, bigint> {
    return new Map([...this.#lastOffsets].map(([partition, offset]) => [partition, BigInt(offset) + 1n]));
  }

  isFull(): boolean {
    return this.items.length >= this.limits.maxDocs || this.#bytes >= this.limits.maxBytes;
  }

  /** How long the oldest message has waited (0 while empty). */
  ageMs(now = performance.now()): number {
    return this.#firstAt === undefined ? 0 : now - this.#firstAt;
  }

  add(partition: number, message: KafkaMessage): void {
    this.#firstAt ??= performance.now();
    this.#messages += 1;
    this.#lastOffsets.set(partition, message.offset);
    const origin: KafkaOrigin = { topic: this.topic, partition, message };
    const item = decodeEventKeys(message, this.#toItem, origin);
    if (item instanceof DecodeFailure) {
      this.deadLetters.push(deadLetterOf(origin, item.reason, item.error));
      return;
    }
    if (item.bytes > this.limits.maxDocumentBytes) {
      this.deadLetters.push(deadLetterOf(origin, 'DOCUMENT_TOO_LARGE', `document is ${item.bytes} bytes, more than INDEXER_MAX_DOCUMENT_BYTES=${this.limits.maxDocumentBytes}`));
      return;
    }
    this.items.push(item);
    this.#bytes += item.bytes;
  }
}
