import { z } from 'zod';
import { apiKeySettings } from '../../../shared/auth/api-key-settings.js';
import { commonSettings, opsPort } from '../../../shared/config/common-settings.js';
import { envInt, envString } from '../../../shared/config/env-types.js';
import { envTrustedProxies } from '../../../shared/config/trusted-proxies.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import type { Environment } from '../../../shared/config/environment.js';
import { httpServerSettings } from '../../../shared/http/server-timeouts.js';
import { endpointOverrideBoundsOf, webhookSettings } from '../../../shared/webhooks/webhook-settings.js';

/** Every variable the webhook API reads, with defaults for the local stack (services/webhook-api/README.md). */
export const webhookApiSettings = {
  ...commonSettings.mysql,
  ...commonSettings.redis,
  ...commonSettings.ops,
  ...opsPort(9105),
  ...webhookSettings,
  ...httpServerSettings,
  ...apiKeySettings,
  WEBHOOK_API_HOST: envString('127.0.0.1'),
  WEBHOOK_API_PORT: envInt(7005, { min: 0, max: 65_535 }),
  WEBHOOK_MAX_ENDPOINTS_PER_ACCOUNT: envInt(50, { min: 1, max: 10_000 }),
  /** Requests in flight to one endpoint when the customer sets nothing. */
  WEBHOOK_DEFAULT_MAX_CONCURRENCY: envInt(10, { min: 1, max: 1_000 }),
  /** Highest max_concurrency a customer may set. */
  WEBHOOK_MAX_CONCURRENCY_LIMIT: envInt(100, { min: 1, max: 1_000 }),
  /** How long a rotated secret keeps signing next to the new one. */
  WEBHOOK_SECRET_GRACE_MS: envInt(86_400_000, { min: 0, max: 30 * 86_400_000 }),
  /** How far back "recover failed messages since" may reach. */
  WEBHOOK_RECOVER_MAX_AGE_MS: envInt(14 * 86_400_000, { min: 60_000, max: 90 * 86_400_000 }),
  /** Most messages one recover call re-enqueues (call again for more). */
  WEBHOOK_RECOVER_MAX_MESSAGES: envInt(50_000, { min: 1, max: 1_000_000 }),
  /** How long an authenticated API key is trusted before MySQL is asked again; revocations drop it at once (Redis pub/sub). */
  WEBHOOK_API_KEY_CACHE_MS: envInt(30_000, { min: 0, max: 600_000 }),
  /** How often the attempt log is folded into the hourly statistics (stats/attempt-rollup.ts); the answers stay exact in between. */
  WEBHOOK_STATS_ROLLUP_INTERVAL_MS: envInt(10_000, { min: 500, max: 3_600_000 }),
  WEBHOOK_MYSQL_CONNECTIONS: envInt(10, { min: 2, max: 200 }),
  /** Rate limits, counted in Redis across instances per window of WEBHOOK_API_RATE_WINDOW_MS (429 + Retry-After beyond). */
  WEBHOOK_API_RATE_WINDOW_MS: envInt(60_000, { min: 1_000, max: 3_600_000 }),
  /** Requests of one API key per window. */
  WEBHOOK_API_RATE_PER_KEY: envInt(600, { min: 1, max: 1_000_000 }),
  /** Refused API keys from one client address per window; beyond it the address gets 429 without a lookup. */
  WEBHOOK_API_AUTH_FAILURES_PER_ADDRESS: envInt(20, { min: 1, max: 1_000_000 }),
  /**
   * Addresses or CIDR blocks of proxies whose X-Forwarded-For is believed (the reports service,
   * which proxies the Admin Panel's webhook pages): the per-address limit above then counts the
   * panel user's address, not the proxy's, so one user's bad keys cannot lock every panel user out.
   * Empty (default): X-Forwarded-For is ignored, so no client can choose its own address.
   */
  WEBHOOK_API_TRUSTED_PROXIES: envTrustedProxies(),
  /** Test events one API key may send per window. */
  WEBHOOK_API_TEST_PER_KEY: envInt(30, { min: 1, max: 1_000_000 }),
  /** Replays and recoveries one API key may start per window. */
  WEBHOOK_API_REPLAY_PER_KEY: envInt(60, { min: 1, max: 1_000_000 }),
} as const;

export type WebhookApiSettings = Readonly<z.infer<z.ZodObject<typeof webhookApiSettings>>>;

export function loadWebhookApiSettings(env?: Environment): WebhookApiSettings {
  const settings = loadConfig(webhookApiSettings, env);
  endpointOverrideBoundsOf(settings);
  return settings;
}
