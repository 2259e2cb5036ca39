import { sql, type Kysely } from 'kysely';
import { AuthlogError } from '../../../shared/errors/authlog-error.js';
import { filterJson, type RepublishFilter } from './republish-filter.js';
import type { RepublishDatabase } from './republish-tables.js';

export interface RepublishJob {
  readonly jobName: string;
  /** Rows with firstId < id <= lastId are acknowledged by Kafka. */
  readonly firstId: number;
  readonly lastId: number;
  readonly maxId: number;
  readonly rowsPublished: number;
  readonly status: 'running' | 'completed';
}

/** A job name was reused with another filter or topic: resuming it would publish the wrong rows. */
export class RepublishJobMismatchError extends AuthlogError {
  readonly code = 'REPUBLISH_JOB_MISMATCH';
  readonly retryable = false;

  constructor(jobName: string, existing: string, wanted: string) {
    super(`job ${jobName} was started with ${existing}, not ${wanted}: use another --job, or --restart to start it over`);
  }
}

/** Durable progress of republish jobs (table republish_jobs), saved only after Kafka acknowledged the rows. */
export class RepublishJobs {
  constructor(private readonly db: Kysely<RepublishDatabase>) {}

  async open(jobName: string, filter: RepublishFilter, options: { restart: boolean }): Promise<RepublishJob & { readonly resumed: boolean }> {
    if (options.restart) await this.db.deleteFrom('republish_jobs').where('job_name', '=', jobName).execute();
    const wanted = filterJson(filter);
    const existing = await this.db.selectFrom('republish_jobs').selectAll().where('job_name', '=', jobName).executeTakeFirst();
    if (existing !== undefined) {
      if (existing.filter_json !== wanted) throw new RepublishJobMismatchError(jobName, existing.filter_json, wanted);
      return { ...toJob(existing), resumed: true };
    }
    const bounds = await sql<{ min_id: number | null; max_id: number | null }>`SELECT MIN(id) AS min_id, MAX(id) AS max_id FROM authlog`.execute(this.db);
    const firstId = Math.max(0, Number(bounds.rows[0]?.min_id ?? 1) - 1);
    const maxId = Number(bounds.rows[0]?.max_id ?? 0);
    await this.db
      .insertInto('republish_jobs')
      .values({ job_name: jobName, filter_json: wanted, first_id: firstId, last_id: firstId, max_id: maxId, rows_published: 0, status: 'running', completed_at: null })
      .execute();
    return { jobName, firstId, lastId: firstId, maxId, rowsPublished: 0, status: 'running', resumed: false };
  }

  /** Kafka acknowledged every matching row up to `lastId`, `published` of them since the last save. */
  async save(jobName: string, lastId: number, published: number): Promise<void> {
    await this.db
      .updateTable('republish_jobs')
      .set((eb) => ({ last_id: lastId, rows_published: eb('rows_published', '+', published), updated_at: new Date() }))
      .where('job_name', '=', jobName)
      .where('last_id', '<', lastId)
      .execute();
  }

  async complete(jobName: string): Promise<RepublishJob> {
    await this.db.updateTable('republish_jobs').set({ status: 'completed', completed_at: new Date(), updated_at: new Date() }).where('job_name', '=', jobName).execute();
    return toJob(await this.db.selectFrom('republish_jobs').selectAll().where('job_name', '=', jobName).executeTakeFirstOrThrow());
  }
}

function toJob(row: { job_name: string; first_id: number; last_id: number; max_id: number; rows_published: number; status: 'running' | 'completed' }): RepublishJob {
  return { jobName: row.job_name, firstId: Number(row.first_id), lastId: Number(row.last_id), maxId: Number(row.max_id), rowsPublished: Number(row.rows_published), status: row.status };
}
