import type { Dispatcher } from 'undici';

/** What a finished exchange gave: the status and headers we use, and the start of the body. */
export interface ExcerptResponse {
  readonly statusCode: number;
  readonly retryAfter: string | undefined;
  readonly location: string | undefined;
  readonly excerpt: string | null;
}

/** Why a request was cut short by us rather than failed by the network. */
export class AttemptTimedOut extends Error {
  readonly code = 'ATTEMPT_TIMED_OUT';
  constructor() {
    super('no complete response within the timeout');
    this.name = 'AttemptTimedOut';
  }
}

class ExcerptComplete extends Error {
  constructor() {
    super('response excerpt read; the rest of the body is not');
  }
}

/**
 * An undici dispatch handler that keeps the status, Retry-After, Location and the first
 * `limit` bytes of the body, and nothing else: no Readable stream, no async iterator, no
 * AbortSignal per request (which `agent.request()` costs; together about a tenth of the
 * dispatcher's CPU per delivery in webhook-throughput). A body longer than the excerpt is cut off,
 * which closes its connection, as reading it would cost more than a new connection.
 * `settle` is called exactly once: with the response, or with the error that ended the attempt.
 */
export class ExcerptHandler implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | undefined;
  #response: { statusCode: number; retryAfter: string | undefined; location: string | undefined } | undefined;
  #chunks: Buffer[] = [];
  #size = 0;
  #timedOut = false;
  #settled = false;
  /** When the whole attempt must be over (performance.now() ms); read by the deliverer's timeout sweep. */
  readonly deadline: number;

  constructor(
    private readonly limit: number,
    timeoutMs: number,
    private readonly settle: (outcome: ExcerptResponse | Error) => void,
  ) {
    this.deadline = performance.now() + timeoutMs;
  }

  get settled(): boolean {
    return this.#settled;
  }

  /**
   * The attempt ran out of time: it fails now, and its request is aborted as soon as undici lets
   * us (at once when it has started, else when a connection takes it, before anything is written).
   */
  timeOut(): void {
    if (this.#settled) return;
    this.#timedOut = true;
    this.#finish(new AttemptTimedOut());
    this.#controller?.abort(new AttemptTimedOut());
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#timedOut) controller.abort(new AttemptTimedOut());
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    // 1xx (100 Continue, 103 Early Hints) are informational: the final response follows.
    if (statusCode < 200) return;
    this.#response = { statusCode, retryAfter: first(headers['retry-after']), location: first(headers.location) };
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#size > this.limit) {
      this.#finish(this.#excerptResponse());
      controller.abort(new ExcerptComplete());
    }
  }

  onResponseEnd(): void {
    this.#finish(this.#excerptResponse());
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    this.#finish(error);
  }

  #excerptResponse(): ExcerptResponse | Error {
    if (this.#response === undefined) return new Error('the response ended before its status line');
    // Cutting mid-character leaves a replacement character at the end, which is fine for a log excerpt.
    const excerpt = this.#size === 0 ? null : (this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks)).subarray(0, this.limit).toString('utf8');
    return { ...this.#response, excerpt };
  }

  #finish(outcome: ExcerptResponse | Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#chunks = [];
    this.settle(outcome);
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
