import type { ColumnType } from 'kysely';
import type { AuthlogDatabase } from '../../../../shared/db/database.js';

/** Kysely types of migrations/2026-11-26-04-backfill-checkpoints.ts (owned by the backfill). */
export interface BackfillJobsTable {
  job_name: string;
  filter_json: string;
  first_id: number;
  last_id: number;
  max_id: number;
  rows_indexed: number;
  rows_rejected: number;
  status: 'running' | 'completed';
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
  completed_at: Date | null;
}

export interface BackfillRejectionsTable {
  job_name: string;
  authlog_id: number;
  txid: string | null;
  reason: string;
  error: string;
  created_at: ColumnType<Date, never, never>;
}

export interface BackfillDatabase extends AuthlogDatabase {
  indexer_backfill_jobs: BackfillJobsTable;
  indexer_backfill_rejections: BackfillRejectionsTable;
}
