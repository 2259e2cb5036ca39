import type { Admin, Message, Producer } from 'kafkajs';
import { RetryAbortedError } from '../errors/retry-aborted-error.js';
import { backoffDelay, type BackoffPolicy } from '../util/backoff.js';
import { sleep } from '../util/sleep.js';
import type { DeadLetter } from './dead-letter.js';
import { DEAD_LETTER_HEADERS } from './dead-letter-headers.js';
import { ensureDeadLetterTopic } from './dead-letter-topic.js';
import { BATCH_OVERHEAD, fitLetter, planSends } from './dead-letter-sends.js';

export interface DeadLetterObserver {
  published(reason: string): void;
  publishRetry(error: unknown, attempt: number, delayMs: number): void;
  /** A letter was cut to fit the dead-letter topic (see DEAD_LETTER_HEADERS.truncated). */
  truncated?(letter: DeadLetter, bytes: number): void;
}

export interface DeadLetterSettings {
  readonly topic: string;
  /** Written into every letter: which consumer gave up on the message. */
  readonly consumerGroup: string;
  readonly backoff: BackoffPolicy;
}

const MAX_ERROR_BYTES = 4_096;
/** The smallest send budget: an empty letter with its headers (the error at most 4 KB) fits. */
const MIN_SEND_BYTES = 16_384;
/** Kafka's default max.message.bytes, assumed until ensureTopic has read the topic's own. */
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * Publishes dead letters to the DLQ topic and resolves only once Kafka has them all (acks=all):
 * consumers commit the source offsets after that, so a dead letter is never lost, and a message is
 * never dropped without one. Sends are split to fit the topic's max.message.bytes (one account's
 * letters share a partition, hence a record batch), a letter too large alone is cut to fit, and a
 * send the broker still finds too large is split further: a letter is never refused forever for
 * its size. Other Kafka failures are retried with back-off until the caller aborts.
 */
export class DeadLetterPublisher {
  #maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;

  constructor(
    private readonly producer: Producer,
    private readonly settings: DeadLetterSettings,
    private readonly observer: DeadLetterObserver,
  ) {}

  /** Creates the dead-letter topic if missing (sized for letters of `sourceTopic`) and sends within its limit from now on. */
  async ensureTopic(admin: Admin, options: { partitions: number; sourceTopic: string; retentionDays?: number }): Promise<void> {
    const { maxMessageBytes } = await ensureDeadLetterTopic(admin, { topic: this.settings.topic, ...options });
    this.#maxMessageBytes = maxMessageBytes;
  }

  /** `hooks` hear about the first failure and the recovery (to pause consumption meanwhile). */
  async publish(letters: readonly DeadLetter[], signal: AbortSignal, hooks: { onFailing?: () => void; onRecovered?: () => void } = {}): Promise<void> {
    if (letters.length === 0) return;
    const failedAt = new Date().toISOString();
    let budget = Math.max(MIN_SEND_BYTES, this.#maxMessageBytes - BATCH_OVERHEAD);
    let sends = planSends(
      this.#fit(
        letters.map((letter) => {
          const message = this.#message(letter, failedAt);
          return { letter, original: message, message };
        }),
        budget,
      ),
      budget,
    );
    let failing = false;
    for (let attempt = 0; sends.length > 0; ) {
      if (signal.aborted) throw new RetryAbortedError(`dead-lettering ${sends.flat().length} message(s)`);
      const send = sends[0]!;
      try {
        await this.producer.send({ topic: this.settings.topic, acks: -1, messages: send.map((entry) => entry.message) });
        for (const entry of send) this.observer.published(entry.letter.reason);
        sends.shift();
        attempt = 0;
        if (failing) {
          failing = false;
          hooks.onRecovered?.();
        }
      } catch (error) {
        if (isTooLarge(error) && budget > MIN_SEND_BYTES) {
          // Our size estimate and the topic disagree (its limit is lower than we were told): split finer at once.
          budget = Math.max(MIN_SEND_BYTES, Math.floor(budget / 2));
          sends = planSends(this.#fit(sends.flat(), budget), budget);
          continue;
        }
        if (!failing) {
          failing = true;
          hooks.onFailing?.();
        }
        const delay = backoffDelay(attempt, this.settings.backoff);
        this.observer.publishRetry(error, attempt, delay);
        attempt += 1;
        await sleep(delay, signal);
      }
    }
  }

  #message(letter: DeadLetter, failedAt: string): Message {
    return {
      key: letter.key,
      value: letter.value,
      headers: {
        ...letter.headers,
        [DEAD_LETTER_HEADERS.reason]: letter.reason,
        [DEAD_LETTER_HEADERS.error]: truncate(letter.error),
        [DEAD_LETTER_HEADERS.sourceTopic]: letter.topic,
        [DEAD_LETTER_HEADERS.sourcePartition]: String(letter.partition),
        [DEAD_LETTER_HEADERS.sourceOffset]: letter.offset,
        [DEAD_LETTER_HEADERS.sourceTimestamp]: letter.timestamp,
        [DEAD_LETTER_HEADERS.consumerGroup]: this.settings.consumerGroup,
        [DEAD_LETTER_HEADERS.failedAt]: failedAt,
      },
    };
  }

  /** Each letter's message within `budget`, cut from its original (so the truncation header gives the original size). */
  #fit(entries: readonly Entry[], budget: number): Entry[] {
    return entries.map((entry) => {
      const message = fitLetter(entry.original, budget);
      if (message !== entry.original && entry.message === entry.original) this.observer.truncated?.(entry.letter, entry.letter.value?.length ?? 0);
      return message === entry.message ? entry : { ...entry, message };
    });
  }
}

/** A letter, its message as first built, and that message as it will be sent (maybe cut). */
interface Entry {
  readonly letter: DeadLetter;
  readonly original: Message;
  readonly message: Message;
}

/** The broker refused a batch for its size (kafkajs keeps the protocol error's type, sometimes as the cause). */
function isTooLarge(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const type = (current as { type?: unknown }).type;
    if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE') return true;
  }
  return false;
}

function truncate(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= MAX_ERROR_BYTES ? text : `${bytes.subarray(0, MAX_ERROR_BYTES - 3).toString('utf8')}...`;
}
