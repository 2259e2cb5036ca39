import type { Endpoint } from '../../../shared/webhooks/endpoint-record.js';
import { parseDuration, RetrySchedule } from '../../../shared/webhooks/retry-schedule.js';
import type { EndpointOverrideBounds } from '../../../shared/webhooks/webhook-settings.js';

/**
 * An endpoint's request timeout and retry schedule: its own when it sets them, the service's
 * otherwise. The API refuses values outside the bounds; a stored value outside this process's
 * bounds (the API ran with other settings) is clamped to them rather than trusted or dropped.
 */
export class DeliveryOverrides {
  readonly #schedules = new Map<string, RetrySchedule>();

  constructor(
    private readonly defaults: { readonly timeoutMs: number; readonly schedule: RetrySchedule },
    private readonly bounds: EndpointOverrideBounds,
  ) {}

  timeoutMs(endpoint: Pick<Endpoint, 'timeoutMs'>): number {
    if (endpoint.timeoutMs === null) return this.defaults.timeoutMs;
    return Math.min(this.bounds.timeoutMs.max, Math.max(this.bounds.timeoutMs.min, endpoint.timeoutMs));
  }

  /** The waits' text is the cache key: endpoints sharing a schedule share one parsed object. */
  schedule(endpoint: Pick<Endpoint, 'retrySchedule'>): RetrySchedule {
    if (endpoint.retrySchedule === null) return this.defaults.schedule;
    const { min, max } = this.bounds.retryDelayMs;
    const waits = endpoint.retrySchedule
      .slice(0, this.bounds.maxAttempts - 1)
      .map((wait) => Math.min(max, Math.max(min, parseDuration(wait) ?? this.defaults.schedule.delaysMs[1] ?? min)));
    const text = ['0', ...waits].join(',');
    let schedule = this.#schedules.get(text);
    if (schedule === undefined) {
      if (this.#schedules.size >= 10_000) this.#schedules.clear();
      this.#schedules.set(text, (schedule = RetrySchedule.parse(text, this.defaults.schedule.jitter)));
    }
    return schedule;
  }
}
