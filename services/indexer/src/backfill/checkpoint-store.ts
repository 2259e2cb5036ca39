import { sql, type Kysely } from 'kysely';
import { JobFilterMismatchError } from '../errors/job-filter-mismatch-error.js';
import { filterJson, type BackfillFilter } from './backfill-filter.js';
import type { BackfillDatabase } from './backfill-tables.js';

export interface Checkpoint {
  readonly jobName: string;
  /** Rows with first_id < id <= last_id are indexed or recorded as rejected. */
  readonly firstId: number;
  readonly lastId: number;
  readonly maxId: number;
  readonly rowsIndexed: number;
  readonly rowsRejected: number;
  readonly status: 'running' | 'completed';
}

export interface RejectedRow {
  readonly authlogId: number;
  readonly txid: string | null;
  readonly reason: string;
  readonly error: string;
}

/**
 * Durable progress of backfill jobs (table indexer_backfill_jobs). Each save moves the cursor and
 * records the rows that could not be indexed in one transaction, only after the bulk holding those
 * rows succeeded: after a crash, the job redoes at most the bulks that were not yet saved.
 */
export class CheckpointStore {
  constructor(private readonly db: Kysely<BackfillDatabase>) {}

  /** The job's checkpoint: resumed if it exists (same filter), else created with its id bounds fixed now. */
  async open(jobName: string, filter: BackfillFilter, options: { restart: boolean }): Promise<Checkpoint & { readonly resumed: boolean }> {
    if (options.restart) await this.#delete(jobName);
    const existing = await this.db.selectFrom('indexer_backfill_jobs').selectAll().where('job_name', '=', jobName).executeTakeFirst();
    const wanted = filterJson(filter);
    if (existing !== undefined) {
      if (existing.filter_json !== wanted) throw new JobFilterMismatchError(jobName, existing.filter_json, wanted);
      return { ...toCheckpoint(existing), resumed: true };
    }
    const bounds = await sql<{ min_id: number | null; max_id: number | null }>`SELECT MIN(id) AS min_id, MAX(id) AS max_id FROM authlog`.execute(this.db);
    const minId = Number(bounds.rows[0]?.min_id ?? 1);
    const maxId = Number(bounds.rows[0]?.max_id ?? 0);
    const firstId = Math.max(0, minId - 1);
    await this.db
      .insertInto('indexer_backfill_jobs')
      .values({ job_name: jobName, filter_json: wanted, first_id: firstId, last_id: firstId, max_id: maxId, rows_indexed: 0, rows_rejected: 0, status: 'running', completed_at: null })
      .execute();
    return { jobName, firstId, lastId: firstId, maxId, rowsIndexed: 0, rowsRejected: 0, status: 'running', resumed: false };
  }

  /** Everything up to `lastId` is done: `indexed` rows went to Elasticsearch, `rejections` are recorded. */
  async save(jobName: string, progress: { lastId: number; indexed: number; rejections: readonly RejectedRow[] }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (progress.rejections.length > 0) {
        await trx
          .insertInto('indexer_backfill_rejections')
          .ignore()
          .values(progress.rejections.map((row) => ({ job_name: jobName, authlog_id: row.authlogId, txid: row.txid, reason: row.reason, error: row.error.slice(0, 8_000) })))
          .execute();
      }
      await trx
        .updateTable('indexer_backfill_jobs')
        .set((eb) => ({
          last_id: progress.lastId,
          rows_indexed: eb('rows_indexed', '+', progress.indexed),
          rows_rejected: eb('rows_rejected', '+', progress.rejections.length),
          updated_at: new Date(),
        }))
        .where('job_name', '=', jobName)
        .where('last_id', '<', progress.lastId)
        .execute();
    });
  }

  async complete(jobName: string): Promise<Checkpoint> {
    await this.db.updateTable('indexer_backfill_jobs').set({ status: 'completed', completed_at: new Date(), updated_at: new Date() }).where('job_name', '=', jobName).execute();
    return this.get(jobName);
  }

  async get(jobName: string): Promise<Checkpoint> {
    return toCheckpoint(await this.db.selectFrom('indexer_backfill_jobs').selectAll().where('job_name', '=', jobName).executeTakeFirstOrThrow());
  }

  async #delete(jobName: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('indexer_backfill_rejections').where('job_name', '=', jobName).execute();
      await trx.deleteFrom('indexer_backfill_jobs').where('job_name', '=', jobName).execute();
    });
  }
}

function toCheckpoint(row: {
  job_name: string;
  first_id: number;
  last_id: number;
  max_id: number;
  rows_indexed: number;
  rows_rejected: number;
  status: 'running' | 'completed';
}): Checkpoint {
  return {
    jobName: row.job_name,
    firstId: Number(row.first_id),
    lastId: Number(row.last_id),
    maxId: Number(row.max_id),
    rowsIndexed: Number(row.rows_indexed),
    rowsRejected: Number(row.rows_rejected),
    status: row.status,
  };
}
