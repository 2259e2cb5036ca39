import type { ColumnType } from 'kysely';
import type { AuthlogDatabase } from '../../../shared/db/database.js';

/** Kysely types of migrations/2026-12-07-71-republish-jobs.ts (owned by republish). */
export interface RepublishJobsTable {
  job_name: string;
  filter_json: string;
  first_id: number;
  last_id: number;
  max_id: number;
  rows_published: number;
  status: 'running' | 'completed';
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
  completed_at: Date | null;
}

export interface RepublishDatabase extends AuthlogDatabase {
  republish_jobs: RepublishJobsTable;
}
