import { HttpProblem } from './http-problem.js';

/** Over a rate limit: 429 with Retry-After, the seconds until the current window ends. */
export class RateLimitedError extends HttpProblem {
  constructor(
    readonly limit: string,
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(429, 'RATE_LIMITED', message, { headers: { 'retry-after': String(retryAfterSeconds) } });
  }
}
