import type { IHeaders, Producer } from 'kafkajs';
import { backoffDelay, type BackoffPolicy } from '../../../shared/util/backoff.js';
import { sleep } from '../../../shared/util/sleep.js';
import { DEAD_LETTER_HEADERS } from './dead-letter-headers.js';
import { RetryAbortedError } from './errors/retry-aborted-error.js';

/** A message the indexer gives up on: where it was, what it was, and why. */
export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders | undefined;
  readonly reason: string;
  readonly error: string;
}

export interface DeadLetterObserver {
  published(reason: string): void;
  publishRetry(error: unknown, attempt: number, delayMs: number): void;
}

const MAX_ERROR_BYTES = 4_096;

/**
 * Publishes dead letters to the DLQ topic and resolves only once Kafka has them (acks=all): the
 * indexer commits the source offsets after that, so a dead letter is never lost, and a message is
 * never dropped without one. Kafka failures are retried with back-off until the caller aborts.
 */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly settings: { readonly topic: string; readonly consumerGroup: string; readonly backoff: BackoffPolicy },
    private readonly observer: DeadLetterObserver,
  ) {}

  /** `hooks` hear about the first failure and the recovery, like BulkIndexer's (to pause consumption). */
  async publish(letters: readonly DeadLetter[], signal: AbortSignal, hooks: { onFailing?: () => void; onRecovered?: () => void } = {}): Promise<void> {
    if (letters.length === 0) return;
    const failedAt = new Date().toISOString();
    const messages = letters.map((letter) => ({
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
    }));
    for (let attempt = 0; ; attempt += 1) {
      if (signal.aborted) throw new RetryAbortedError(`dead-lettering ${letters.length} message(s)`);
      try {
        await this.producer.send({ topic: this.settings.topic, acks: -1, messages });
        for (const letter of letters) this.observer.published(letter.reason);
        if (attempt > 0) hooks.onRecovered?.();
        return;
      } catch (error) {
        if (attempt === 0) hooks.onFailing?.();
        const delay = backoffDelay(attempt, this.settings.backoff);
        this.observer.publishRetry(error, attempt, delay);
        await sleep(delay, signal);
      }
    }
  }
}

function truncate(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= MAX_ERROR_BYTES ? text : `${bytes.subarray(0, MAX_ERROR_BYTES - 3).toString('utf8')}...`;
}
