import { envString } from '../config/env-types.js';

/** Settings of every API that checks API keys (the webhook API and the reports API read the same). */
export const apiKeySettings = {
  /**
   * Redis pub/sub channel on which a revocation is announced, so every instance of every API drops
   * its cached key at once. The same value on every service that shares the Redis.
   */
  AUTHLOG_API_KEY_REVOCATIONS_CHANNEL: envString('authlog:api-key-revocations'),
} as const;
