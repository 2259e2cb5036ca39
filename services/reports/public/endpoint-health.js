import { formatTime } from './format.js';

const REASONS = {
  endpoint_gone: 'the endpoint answered 410 Gone',
  failing_continuously: 'it kept failing',
  disabled_by_customer: 'disabled by you',
};

/** An endpoint's health in words: enabled, failing since when, or disabled and why. */
export function healthOf(endpoint, timeZone) {
  if (!endpoint.enabled) {
    // The detail says it best when there is one ("the endpoint answered 410 Gone at ..."); else the reason in words.
    const why = endpoint.disabled_detail ?? REASONS[endpoint.disabled_reason] ?? endpoint.disabled_reason ?? 'unknown reason';
    const when = endpoint.disabled_at === null ? '' : ` since ${formatTime(endpoint.disabled_at, timeZone)}`;
    return { state: 'disabled', text: `Disabled${when}: ${why}` };
  }
  if (endpoint.failing_since !== null) return { state: 'failing', text: `Failing since ${formatTime(endpoint.failing_since, timeZone)}` };
  return { state: 'healthy', text: 'Enabled' };
}

/** "98.5 % of 200" for a stats window, "no attempts" without any. */
export function successRate(window) {
  const total = window.delivered + window.failed;
  if (total === 0) return 'no attempts';
  const rate = (window.delivered / total) * 100;
  return `${rate === 100 || rate === 0 ? rate.toFixed(0) : rate.toFixed(1)} % of ${total}`;
}

/** Latency bounds are histogram buckets: "≤ 50 ms" is honest, "50 ms" would not be. */
export function latency(window) {
  if (window.latency_p50_ms === null) return '–';
  return `p50 ≤ ${window.latency_p50_ms} ms · p95 ≤ ${window.latency_p95_ms} ms`;
}
