import type { Selectable } from 'kysely';
import { parseStoredFilters, type EndpointFilters } from './endpoint-filters.js';
import { parseHeaderNames } from './headers/sealed-headers.js';
import type { WebhookEndpointsTable } from './webhook-tables.js';

/**
 * Why an endpoint stopped receiving: the receiver answered 410 Gone, it failed continuously for the
 * configured time (5 days), or the customer switched it off. Shown to the customer as it is.
 */
export type DisabledReason = 'endpoint_gone' | 'failing_continuously' | 'disabled_by_customer';

export interface Endpoint {
  readonly id: string;
  readonly accountId: string;
  readonly url: string;
  readonly description: string;
  readonly filters: EndpointFilters;
  /** Deliveries per second at most; null: no rate limit. */
  readonly rateLimitPerSecond: number | null;
  /** Requests in flight to this endpoint at most, across every dispatcher instance. */
  readonly maxConcurrency: number;
  readonly enabled: boolean;
  readonly disabledReason: DisabledReason | null;
  readonly disabledDetail: string | null;
  readonly disabledAt: Date | null;
  /** Start of the current run of failed attempts; null after a success. */
  readonly failingSince: Date | null;
  /** Names of the custom headers sent on every attempt; the values stay sealed (headers/sealed-headers.ts). */
  readonly headerNames: readonly string[];
  /** Request timeout of this endpoint; null: the dispatcher's WEBHOOK_TIMEOUT_MS. */
  readonly timeoutMs: number | null;
  /** Waits after each failed attempt ("5s", "5m"...), so length + 1 attempts; null: WEBHOOK_RETRY_SCHEDULE. */
  readonly retrySchedule: readonly string[] | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type EndpointRow = Selectable<WebhookEndpointsTable>;

export function toEndpoint(row: EndpointRow): Endpoint {
  return {
    id: row.id,
    accountId: row.account_id,
    url: row.url,
    description: row.description,
    filters: parseStoredFilters(row.filters),
    rateLimitPerSecond: row.rate_limit_per_second,
    maxConcurrency: row.max_concurrency,
    enabled: Boolean(row.enabled),
    disabledReason: row.disabled_reason as DisabledReason | null,
    disabledDetail: row.disabled_detail,
    disabledAt: row.disabled_at,
    failingSince: row.failing_since,
    headerNames: parseHeaderNames(row.header_names),
    timeoutMs: row.timeout_ms,
    retrySchedule: row.retry_schedule === null ? null : (JSON.parse(row.retry_schedule) as string[]),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
