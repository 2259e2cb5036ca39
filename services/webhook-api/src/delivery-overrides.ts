import { HttpProblem } from '../../../shared/http/http-problem.js';
import { parseDuration } from '../../../shared/webhooks/retry-schedule.js';
import type { EndpointOverrideBounds } from '../../../shared/webhooks/webhook-settings.js';

const seconds = (ms: number) => (ms % 1_000 === 0 ? `${ms / 1_000} s` : `${ms} ms`);
const outOfBounds = (field: string, expected: string) => new HttpProblem(422, 'OUT_OF_BOUNDS', `${field}: ${expected}`, { field });

/**
 * Refuses an endpoint's `timeout_ms` or `retry_schedule` outside what this deployment allows
 * (WEBHOOK_ENDPOINT_* settings) with a 422 naming the field: the request is well formed (a 400
 * would have said so), the value is just more than the service grants. null (the service's
 * setting) and absent always pass.
 */
export function refuseOutOfBounds(input: { timeout_ms?: number | null | undefined; retry_schedule?: readonly string[] | null | undefined }, bounds: EndpointOverrideBounds): void {
  const timeout = input.timeout_ms;
  if (timeout !== undefined && timeout !== null && (timeout < bounds.timeoutMs.min || timeout > bounds.timeoutMs.max)) {
    throw outOfBounds('timeout_ms', `from ${bounds.timeoutMs.min} to ${bounds.timeoutMs.max} ms`);
  }
  const schedule = input.retry_schedule;
  if (schedule === undefined || schedule === null) return;
  if (schedule.length + 1 > bounds.maxAttempts) {
    throw outOfBounds('retry_schedule', `at most ${bounds.maxAttempts - 1} retries (${bounds.maxAttempts} attempts with the first)`);
  }
  schedule.forEach((entry, index) => {
    const ms = parseDuration(entry) ?? Number.NaN;
    if (!(ms >= bounds.retryDelayMs.min && ms <= bounds.retryDelayMs.max)) {
      throw outOfBounds(`retry_schedule.${index}`, `a wait from ${seconds(bounds.retryDelayMs.min)} to ${seconds(bounds.retryDelayMs.max)}`);
    }
  });
}
