import { sql, type Kysely } from 'kysely';
import type { Logger } from '../../../../shared/log/logger.js';
import type { JobReport, LifecycleJob } from '../lifecycle-job.js';
import type { LifecycleDatabase } from '../lifecycle-tables.js';
import { deleteInChunks } from './delete-in-chunks.js';

const DAY_MS = 86_400_000;

/**
 * Prunes webhook attempts and messages older than RETENTION_WEBHOOK_DAYS in chunks of `chunk`
 * rows (one short DELETE each, through the age indices of migration 2026-12-07-72), pausing
 * between chunks, so the dispatcher's writes never wait behind one long transaction. A message
 * still pending (being retried) is kept whatever its age: nothing in flight is lost.
 */
export class WebhookRetentionJob implements LifecycleJob {
  readonly name = 'webhook-log';

  constructor(
    private readonly db: Kysely<LifecycleDatabase>,
    private readonly options: { readonly retentionDays: number; readonly chunk: number; readonly pauseMs: number; readonly onRemoved: (table: string, rows: number) => void },
    private readonly logger: Logger,
  ) {}

  async run(now: Date, signal: AbortSignal): Promise<JobReport> {
    const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
    const attempts = await this.#prune('webhook_attempts', () => sql`DELETE FROM webhook_attempts WHERE attempted_at < ${cutoff} ORDER BY attempted_at LIMIT ${this.options.chunk}`, signal);
    const messages = await this.#prune(
      'webhook_messages',
      () => sql`DELETE FROM webhook_messages WHERE created_at < ${cutoff} AND status <> 'pending' ORDER BY created_at LIMIT ${this.options.chunk}`,
      signal,
    );
    if (attempts + messages > 0) this.logger.info({ attempts, messages, cutoff: cutoff.toISOString() }, 'webhook log pruned');
    return { status: 'ok', removed: attempts + messages, details: { cutoff: cutoff.toISOString(), attempts, messages, interrupted: signal.aborted } };
  }

  #prune(table: string, statement: () => ReturnType<typeof sql>, signal: AbortSignal): Promise<number> {
    const { chunk, pauseMs, onRemoved } = this.options;
    return deleteInChunks(this.db, { statement, chunk, pauseMs, onChunk: (rows) => onRemoved(table, rows) }, signal);
  }
}
