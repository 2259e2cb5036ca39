import type { DeliveryJobData } from '../../../shared/webhooks/delivery-queue.js';
import type { AttemptResult } from './http-deliverer.js';
import type { AttemptRow } from './attempt-log.js';
import type { DispatcherMetrics } from './dispatcher-metrics.js';

/** Counts and times attempts (first attempts in process and BullMQ retries alike). */
export class AttemptObserver {
  readonly #series = new Map<string, { count: { inc(): void }; seconds: { observe(value: number): void } }>();

  constructor(private readonly metrics: DispatcherMetrics) {}

  observe(result: AttemptResult): void {
    const outcome = result.ok ? 'success' : 'failure';
    const key = `${outcome}:${result.errorCode ?? ''}`;
    // Label lookups hash strings on every call; bound children are reused (a handful of combinations).
    let series = this.#series.get(key);
    if (series === undefined) {
      series = {
        count: this.metrics.attempts.labels({ outcome, error_code: result.errorCode ?? '' }),
        seconds: this.metrics.attemptSeconds.labels({ outcome }),
      };
      this.#series.set(key, series);
    }
    series.count.inc();
    series.seconds.observe(result.latencyMs / 1000);
  }
}

/** What an attempt row says it was an attempt of: a delivery job's data, or an operational notice's. */
export interface AttemptOf {
  readonly endpointId: string;
  readonly accountId: string;
  readonly messageId: string;
  readonly trigger: string;
}

/** The webhook_attempts row of attempt number `attempt` (1-based over the message's whole life). */
export function attemptRow(of: AttemptOf, attempt: number, result: AttemptResult): AttemptRow {
  return {
    endpoint_id: of.endpointId,
    account_id: of.accountId,
    message_id: of.messageId,
    attempt,
    trigger_type: of.trigger,
    attempted_at: new Date(Date.now() - result.latencyMs),
    outcome: result.ok ? 'success' : 'failure',
    status_code: result.statusCode,
    latency_ms: result.latencyMs,
    error_code: result.errorCode,
    error: result.error,
    response_excerpt: result.responseExcerpt,
    request_headers: result.requestHeaders,
  };
}
