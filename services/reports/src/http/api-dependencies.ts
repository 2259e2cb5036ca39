import type { Counter, Registry } from 'prom-client';
import type { ApiKeyStore } from '../../../../shared/auth/api-key-store.js';
import type { ApiKeyLimits } from '../../../../shared/http/api-key-hook.js';
import type { IdempotencyOptions } from '../../../../shared/http/idempotency-hook.js';
import type { RateLimiter } from '../../../../shared/http/rate-limiter.js';
import type { HttpServerSettings } from '../../../../shared/http/server-timeouts.js';
import type { Logger } from '../../../../shared/log/logger.js';
import type { AccountStore } from '../accounts/account-store.js';
import type { AccountConcurrency } from './account-concurrency.js';
import type { ExportLinks } from '../auth-log/export-links.js';
import type { LinkRedemptions } from '../auth-log/link-redemptions.js';
import type { RangeLimits } from '../params/time-range.js';
import type { FreshnessProbe } from '../reports/freshness.js';
import type { ReportSettings } from '../reports/report-context.js';
import type { EventSearch } from '../search/event-search.js';
import type { EventTracer } from '../trace/event-tracer.js';
import type { CompletenessReport } from '../completeness/completeness-report.js';

export interface ApiSettings {
  readonly range: RangeLimits;
  readonly reports: ReportSettings;
  readonly maxPageSize: number;
  readonly totalHitsLimit: number;
  readonly maxHistogramBuckets: number;
  readonly exportPageSize: number;
  readonly exportKeepAlive: string;
}

export interface ApiMetrics {
  readonly exportedEvents: Counter<'format'>;
}

/** Everything the HTTP layer uses, built by the service and handed in (tests build their own). */
export interface ApiDependencies {
  readonly search: EventSearch;
  readonly accounts: AccountStore;
  readonly apiKeys: ApiKeyStore;
  readonly freshness: FreshnessProbe;
  /** Lineage of one event (GET /v1/events/:txid/trace). */
  readonly tracer: EventTracer;
  /** The completeness ledger (GET /v1/completeness). */
  readonly completeness: CompletenessReport;
  readonly exportLinks: ExportLinks;
  readonly linkRedemptions: LinkRedemptions;
  readonly limiter: RateLimiter | undefined;
  /** Where Idempotency-Key answers are kept (shared/http/idempotency-hook.ts). */
  readonly idempotency: Pick<IdempotencyOptions, 'redis' | 'prefix'>;
  readonly limits: ApiKeyLimits;
  readonly timeouts: HttpServerSettings;
  /** Proxies whose X-Forwarded-For gives the client's address (REPORTS_TRUSTED_PROXIES); empty: none. */
  readonly trustedProxies: readonly string[];
  /** The request metrics (shared/http) register here. */
  readonly registry: Registry;
  /** Slots for exports and exact counts, per account. */
  readonly expensive: AccountConcurrency;
  readonly settings: ApiSettings;
  readonly logger: Logger;
  readonly metrics: ApiMetrics;
  /** Where the Admin Panel's files and Chart.js are read from. */
  readonly panel: { readonly dir: string; readonly chartJsFile: string };
  /** Where the panel's webhook pages are proxied (webhook-api-proxy.ts); undefined: no proxy. */
  readonly webhookApi: { readonly baseUrl: string; readonly timeoutMs: number } | undefined;
}
