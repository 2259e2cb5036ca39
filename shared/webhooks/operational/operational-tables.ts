import type { ColumnType } from 'kysely';
import type { WebhooksDatabase } from '../webhook-tables.js';

/** Kysely types of migrations/2026-12-09-50-operational-endpoints.ts. */
export interface WebhookOperationalEndpointsTable {
  id: string;
  account_id: string;
  url: string;
  description: string;
  enabled: number;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date | undefined>;
}

/** The table alone, for `withTables` on a webhook connection. */
export type OperationalTables = { webhook_operational_endpoints: WebhookOperationalEndpointsTable };

/** The webhook tables plus the operational endpoints (kept apart so the fan-out never sees them). */
export type OperationalDatabase = WebhooksDatabase & OperationalTables;
