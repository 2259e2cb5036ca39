import { backoffDelay, type BackoffPolicy } from '../../../shared/util/backoff.js';
import { sleep } from '../../../shared/util/sleep.js';
import type { BulkItem } from './bulk-item.js';
import type { BulkSender } from './elasticsearch-bulk-sender.js';
import { BulkRequestError } from './errors/bulk-request-error.js';
import { IndexUnavailableError } from './errors/index-unavailable-error.js';
import { RetryAbortedError } from '../../../shared/errors/retry-aborted-error.js';

/** A document Elasticsearch will never accept as it is, and why (stable code + details). */
export interface Rejection<Origin> {
  readonly item: BulkItem<Origin>;
  readonly reason: string;
  readonly error: string;
}

export interface BulkResult<Origin> {
  readonly indexed: number;
  readonly rejected: readonly Rejection<Origin>[];
}

/** Metrics and logs of the bulk requests; every method must be cheap and must not throw. */
export interface BulkObserver {
  request(outcome: 'answered' | 'failed', seconds: number, documents: number): void;
  requestRetry(error: BulkRequestError, attempt: number, delayMs: number): void;
  documentRetry(count: number, example: { type: string; reason: string }): void;
  /** Documents refused because their index cannot take writes (closed, blocked...): sent again after delayMs. */
  indexUnavailable(error: IndexUnavailableError, attempt: number, delayMs: number): void;
}

export interface IndexCallOptions {
  /** Aborting ends the retries with RetryAbortedError; nothing is acknowledged then. */
  readonly signal: AbortSignal;
  /**
   * The first failure of this call that is not the documents' fault nor a passing overload: the
   * whole request failed, or an index refuses writes (e.g. to pause consumption meanwhile).
   */
  readonly onFailing?: (error: BulkRequestError | IndexUnavailableError) => void;
  /** A request went through, and no index refused writes, after failures. */
  readonly onRecovered?: () => void;
}

/**
 * Indexes a set of documents until each one is either indexed or rejected for good:
 * - whole-request failures that are not the documents' fault (connection, timeout, 429, 5xx) are
 *   retried with exponential back-off, forever, until they succeed or the caller aborts;
 * - documents answered 429/5xx are sent again (only those), with back-off;
 * - documents whose index cannot take writes (closed, write block, shard limit, missing with
 *   auto-creation off: elasticsearchFailureKind `cluster`) are sent again with back-off for as long
 *   as it takes, and count as failing (onFailing): they are never dead-lettered;
 * - a request refused as a whole for its content (400, 413) is split in halves until the one
 *   document at fault is alone, which is then rejected: a poison document never blocks the others;
 * - documents refused individually (mapping or parsing errors) are rejected.
 * The caller dead-letters the rejections. Re-sending is safe: the _id is the event id.
 */
export class BulkIndexer {
  constructor(
    private readonly send: BulkSender,
    private readonly backoff: BackoffPolicy,
    private readonly observer: BulkObserver,
  ) {}

  async index<Origin>(items: readonly BulkItem<Origin>[], options: IndexCallOptions): Promise<BulkResult<Origin>> {
    const state = { failing: false };
    return this.#index(items, options, state);
  }

  async #index<Origin>(items: readonly BulkItem<Origin>[], options: IndexCallOptions, state: { failing: boolean }): Promise<BulkResult<Origin>> {
    const rejected: Rejection<Origin>[] = [];
    let indexed = 0;
    let pending = items;
    let attempt = 0;
    while (pending.length > 0) {
      if (options.signal.aborted) throw new RetryAbortedError(`indexing ${pending.length} document(s)`);
      const started = performance.now();
      let outcomes;
      try {
        outcomes = await this.send(pending);
      } catch (error) {
        const failure = error instanceof BulkRequestError ? error : new BulkRequestError(String(error), null, { cause: error });
        this.observer.request('failed', (performance.now() - started) / 1000, pending.length);
        if (!failure.retryable) {
          const [first] = pending;
          if (pending.length === 1 && first !== undefined) {
            rejected.push({ item: first, reason: 'ES_REQUEST_REJECTED', error: failure.message });
            break;
          }
          // Find the document at fault without holding back the others.
          const half = Math.ceil(pending.length / 2);
          for (const part of [pending.slice(0, half), pending.slice(half)]) {
            const result = await this.#index(part, options, state);
            indexed += result.indexed;
            rejected.push(...result.rejected);
          }
          break;
        }
        if (!state.failing) {
          state.failing = true;
          options.onFailing?.(failure);
        }
        const delay = backoffDelay(attempt, this.backoff);
        this.observer.requestRetry(failure, attempt, delay);
        attempt += 1;
        await sleep(delay, options.signal);
        continue;
      }
      this.observer.request('answered', (performance.now() - started) / 1000, pending.length);
      const retry: BulkItem<Origin>[] = [];
      let busy = 0;
      let busyExample = { type: '', reason: '' };
      let unavailableCount = 0;
      let unavailableExample: { index: string; type: string; reason: string } | undefined;
      for (let position = 0; position < outcomes.length; position += 1) {
        const outcome = outcomes[position]!;
        const item = pending[position]!;
        if (outcome.status === 'indexed') indexed += 1;
        else if (outcome.status === 'rejected') rejected.push({ item, reason: 'ES_REJECTED', error: `${outcome.type}: ${outcome.reason}` });
        else if (outcome.status === 'retry') {
          retry.push(item);
          busy += 1;
          busyExample = { type: outcome.type, reason: outcome.reason };
        } else {
          retry.push(item);
          unavailableCount += 1;
          unavailableExample ??= { index: item.index, type: outcome.type, reason: outcome.reason };
        }
      }
      const unavailable = unavailableExample === undefined ? undefined : new IndexUnavailableError(unavailableExample.index, unavailableExample.type, unavailableExample.reason, unavailableCount);
      if (unavailable !== undefined && !state.failing) {
        state.failing = true;
        options.onFailing?.(unavailable);
      } else if (unavailable === undefined && state.failing) {
        state.failing = false;
        options.onRecovered?.();
      }
      if (retry.length > 0) {
        const delay = backoffDelay(attempt, this.backoff);
        if (busy > 0) this.observer.documentRetry(busy, busyExample);
        if (unavailable !== undefined) this.observer.indexUnavailable(unavailable, attempt, delay);
        attempt += 1;
        await sleep(delay, options.signal);
      }
      pending = retry;
    }
    return { indexed, rejected };
  }
}
