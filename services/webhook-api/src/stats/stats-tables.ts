import type { WebhooksDatabase } from '../../../../shared/webhooks/webhook-tables.js';

/** Kysely types of migrations/2026-12-08-95-webhook-attempt-hours.ts. */
export interface WebhookAttemptHoursTable {
  endpoint_id: string;
  hour: Date;
  account_id: string;
  successes: number;
  failures: number;
  l0: number; l1: number; l2: number; l3: number; l4: number; l5: number;
  l6: number; l7: number; l8: number; l9: number; l10: number; l11: number;
}

export interface WebhookRollupStateTable {
  name: string;
  watermark: number;
  horizon: number;
}

/** A type alias, not an interface: Kysely's withTables needs an index-compatible type. */
export type StatsTables = {
  webhook_attempt_hours: WebhookAttemptHoursTable;
  webhook_rollup_state: WebhookRollupStateTable;
};

export type StatsDatabase = WebhooksDatabase & StatsTables;
