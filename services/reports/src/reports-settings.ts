import { z } from 'zod';
import { commonSettings, opsPort } from '../../../shared/config/common-settings.js';
import { envInt, envString } from '../../../shared/config/env-types.js';
import { envTrustedProxies } from '../../../shared/config/trusted-proxies.js';
import type { Environment } from '../../../shared/config/environment.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import { envOptionalSecret } from '../../../shared/config/secret-setting.js';
import { httpServerSettings } from '../../../shared/http/server-timeouts.js';
import { apiKeySettings } from '../../../shared/auth/api-key-settings.js';

/** Every setting of the reports service (README.md explains each). */
export const reportsSettings = {
  ...commonSettings.mysql,
  ...commonSettings.elasticsearch,
  ...commonSettings.redis,
  ...httpServerSettings,
  ...apiKeySettings,
  ...commonSettings.ops,
  ...opsPort(9106),
  REPORTS_PORT: envInt(7006, { min: 0, max: 65_535 }),
  /** 127.0.0.1 on a developer machine; 0.0.0.0 in a container. */
  REPORTS_HOST: envString('127.0.0.1'),
  /** Reads `<prefix>-events` (the indexer's INDEXER_INDEX_PREFIX). */
  REPORTS_INDEX_PREFIX: envString('authlog'),
  REPORTS_ES_TIMEOUT_MS: envInt(30_000, { min: 100, max: 600_000 }),
  /** Longest time range of one request (Duo keeps 180 days of logs). */
  REPORTS_MAX_RANGE_DAYS: envInt(366, { min: 1, max: 3_660 }),
  /** Range when a request gives no `from`: this many local days ending today. */
  REPORTS_DEFAULT_RANGE_DAYS: envInt(7, { min: 1, max: 366 }),
  /** Largest `limit` of an auth log page (Duo: 1000). */
  REPORTS_MAX_PAGE_SIZE: envInt(1_000, { min: 10, max: 10_000 }),
  /** Matching events counted exactly on a first page, "at least" beyond. */
  REPORTS_TOTAL_HITS_LIMIT: envInt(10_000, { min: 0, max: 1_000_000 }),
  REPORTS_MAX_BUCKETS: envInt(1_000, { min: 10, max: 10_000 }),
  REPORTS_EXPORT_PAGE_SIZE: envInt(1_000, { min: 10, max: 10_000 }),
  REPORTS_EXPORT_KEEP_ALIVE: envString('2m'),
  /** cardinality precision_threshold: counts below it are near-exact (Elasticsearch's maximum is 40000). */
  REPORTS_PRECISION_THRESHOLD: envInt(40_000, { min: 100, max: 40_000 }),
  REPORTS_COMPOSITE_PAGE_SIZE: envInt(10_000, { min: 100, max: 65_000 }),
  REPORTS_TERMS_SHARD_SIZE: envInt(500, { min: 10, max: 10_000 }),
  /**
   * HMAC key of download links (>= 32 random characters, or REPORTS_LINK_SECRET_FILE); every instance
   * needs the same. Placeholders and short values stop the service. Unset: random per process (logged).
   */
  REPORTS_LINK_SECRET: envOptionalSecret({ minLength: 32 }),
  REPORTS_LINK_TTL_MS: envInt(60_000, { min: 1_000, max: 3_600_000 }),
  REPORTS_FRESHNESS_CACHE_MS: envInt(2_000, { min: 0, max: 600_000 }),
  REPORTS_FRESHNESS_WINDOW_DAYS: envInt(7, { min: 1, max: 366 }),
  /** Exports and exact counts one account may run at once on one instance (429 beyond). */
  REPORTS_MAX_EXPENSIVE_PER_ACCOUNT: envInt(2, { min: 1, max: 100 }),
  REPORTS_API_KEY_CACHE_MS: envInt(30_000, { min: 0, max: 3_600_000 }),
  /** Prefix of the Redis keys (rate-limit windows, spent download links), shared by every instance. */
  REPORTS_REDIS_PREFIX: envString('authlog-reports'),
  /** Rate limits, counted in Redis across instances per window of REPORTS_RATE_WINDOW_MS (429 + Retry-After beyond). */
  REPORTS_RATE_WINDOW_MS: envInt(60_000, { min: 1_000, max: 3_600_000 }),
  /** Requests of one API key per window. */
  REPORTS_RATE_PER_KEY: envInt(600, { min: 1, max: 1_000_000 }),
  /** Refused API keys from one client address per window; beyond it the address gets 429 without a lookup. */
  REPORTS_AUTH_FAILURES_PER_ADDRESS: envInt(20, { min: 1, max: 1_000_000 }),
  /** Proxies (the ingress) whose X-Forwarded-For gives the client address that limit counts, and that the webhook API proxy passes on; empty: none. */
  REPORTS_TRUSTED_PROXIES: envTrustedProxies(),
  /**
   * The webhook API's base URL (e.g. http://127.0.0.1:7005): the Admin Panel's webhook pages call it
   * through this service at /webhook-api/v1/... Unset: no proxy, and the panel hides those pages.
   */
  REPORTS_WEBHOOK_API_URL: z
    .string()
    .optional()
    .refine((value) => value === undefined || (URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol)), { message: 'a URL with scheme http or https' }),
  REPORTS_WEBHOOK_API_TIMEOUT_MS: envInt(15_000, { min: 100, max: 120_000 }),
  /** Lineage: how long after a hop the next one counts as "missing" rather than "not yet" (the pipeline's lag plus a margin). */
  REPORTS_PIPELINE_MARGIN_SECONDS: envInt(600, { min: 1, max: 86_400 }),
} as const;

export type ReportsSettings = Readonly<z.infer<z.ZodObject<typeof reportsSettings>>>;

export const loadReportsSettings = (env?: Environment): ReportsSettings => loadConfig(reportsSettings, env);
