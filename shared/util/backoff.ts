export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Growth per failed attempt; 2 doubles the wait each time. */
  readonly factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: 200, maxMs: 30_000, factor: 2 });

/**
 * Delay before retry number `attempt` (0-based), with "full jitter" (AWS architecture blog): a
 * uniform draw in [delay/2, delay], so many instances that failed together do not retry together.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
