import { AuthlogError } from '../../errors/authlog-error.js';

/**
 * The Redis given for webhook jobs would lose them: no AOF (a restart drops every queued
 * delivery) or an eviction policy other than noeviction (Redis may delete BullMQ's keys under
 * memory pressure). The service refuses to start rather than lose messages silently.
 */
export class RedisNotPersistentError extends AuthlogError {
  readonly code = 'REDIS_NOT_PERSISTENT';
  readonly retryable = false;

  constructor(
    readonly url: string,
    readonly problems: readonly string[],
  ) {
    super(`refusing to use Redis at ${url} for webhook deliveries: ${problems.join('; ')}`);
  }
}
