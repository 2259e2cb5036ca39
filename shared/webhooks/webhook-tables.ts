import type { ColumnType, Generated } from 'kysely';
import type { AuthlogDatabase } from '../db/database.js';

/** Kysely types of migrations/2026-11-26-05-webhooks.ts. */
export interface WebhookEndpointsTable {
  id: string;
  account_id: string;
  url: string;
  description: string;
  /** JSON text of EndpointFilters. */
  filters: string;
  rate_limit_per_second: number | null;
  max_concurrency: number;
  enabled: number;
  disabled_reason: string | null;
  disabled_detail: string | null;
  disabled_at: Date | null;
  failing_since: Date | null;
  /** JSON array of the custom header names (2026-12-08-61); values only in headers_sealed. */
  header_names: ColumnType<string, string | undefined, string>;
  /** The key that sealed headers_sealed; both NULL when the endpoint has no custom headers. */
  headers_key_id: ColumnType<string | null, string | null | undefined, string | null>;
  headers_sealed: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** Request timeout of this endpoint (2026-12-08-62); NULL: WEBHOOK_TIMEOUT_MS. */
  timeout_ms: ColumnType<number | null, number | null | undefined, number | null>;
  /** JSON array of the waits after each failed attempt ("5s", "5m"...); NULL: WEBHOOK_RETRY_SCHEDULE. */
  retry_schedule: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date | undefined>;
}

export interface WebhookSecretsTable {
  id: Generated<number>;
  endpoint_id: string;
  /** Plaintext, only in rows written before 2026-12-02-01 and not yet sealed (key_id NULL). */
  secret: string | null;
  /** The key (AUTHLOG_ENCRYPTION_KEYS id) that sealed secret_sealed. */
  key_id: string | null;
  secret_sealed: Buffer | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  expires_at: Date | null;
}

export type MessageStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookMessagesTable {
  endpoint_id: string;
  message_id: string;
  account_id: string;
  event_type: string;
  body: string;
  status: MessageStatus;
  last_error: string | null;
  failed_at: Date | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date | undefined>;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  endpoint_id: string;
  account_id: string;
  message_id: string;
  attempt: number;
  trigger_type: string;
  attempted_at: Date;
  outcome: 'success' | 'failure';
  status_code: number | null;
  latency_ms: number;
  error_code: string | null;
  error: string | null;
  response_excerpt: string | null;
  /** JSON text of the headers sent, custom header values redacted (2026-12-09-20); NULL before that. */
  request_headers: ColumnType<string | null, string | null | undefined, string | null>;
  /** The notice's type for an attempt to an operational endpoint (2026-12-09-60); NULL otherwise. */
  notice_type: ColumnType<string | null, string | null | undefined, string | null>;
}

/** The tables webhook code reads: ours, plus authlog (event bodies for replays) and api_keys. */
export interface WebhooksDatabase extends AuthlogDatabase {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_secrets: WebhookSecretsTable;
  webhook_messages: WebhookMessagesTable;
  webhook_attempts: WebhookAttemptsTable;
}
