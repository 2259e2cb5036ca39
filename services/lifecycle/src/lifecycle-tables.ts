import type { Generated } from 'kysely';
import type { AuthlogTxidTable } from '../../../shared/db/database.js';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';

/** Kysely types of migrations/2026-12-07-72-lifecycle-job-runs.ts. */
export interface LifecycleJobRunsTable {
  id: Generated<number>;
  job_name: string;
  instance: string;
  started_at: Date;
  finished_at: Date;
  status: 'ok' | 'not_configured' | 'failed';
  removed: number;
  details: string;
  error: string | null;
}

export interface LifecycleDatabase extends WebhooksDatabase {
  lifecycle_job_runs: LifecycleJobRunsTable;
  authlog_txid: AuthlogTxidTable;
}

