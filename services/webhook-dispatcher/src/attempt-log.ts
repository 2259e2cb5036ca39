import type { Insertable } from 'kysely';
import type { Pool } from 'mysql2';
import type { Logger } from '../../../shared/log/logger.js';
import type { WebhookAttemptsTable } from '../../../shared/webhooks/webhook-tables.js';

export type AttemptRow = Insertable<WebhookAttemptsTable>;

interface Waiter {
  /** The row's values in COLUMNS order, what mysql2 formats. */
  readonly values: unknown[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Writes delivery attempts to MySQL with group commit: `record()` resolves once the row is
 * committed, and rows that arrive while an INSERT runs go together in the next one. At thousands of
 * attempts per second that is one multi-row INSERT every few milliseconds instead of one per
 * attempt, and a worker still never reports a delivery it has not logged. The INSERT goes straight
 * to mysql2 (`VALUES ?` with rows as arrays): building a Kysely query of thousands of values costs
 * more CPU than the insert itself at this rate.
 */
export class AttemptLog {
  #queue: Waiter[] = [];
  #flushing: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
    private readonly maxBatch = 500,
  ) {}

  record(row: AttemptRow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ values: valuesOf(row), resolve, reject });
      this.#flushing ??= this.#drain();
    });
  }

  /** Resolves when every row recorded so far is written (or has failed). */
  async drained(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
  }

  #insert(rows: readonly unknown[][]): Promise<void> {
    return new Promise((resolve, reject) => this.pool.query(INSERT, [rows], (error) => (error ? reject(error) : resolve())));
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.maxBatch);
        try {
          await this.#insert(batch.map((waiter) => waiter.values));
          for (const waiter of batch) waiter.resolve();
        } catch (error) {
          this.logger.warn({ err: error, rows: batch.length }, 'could not write webhook attempts; their jobs will be retried');
          for (const waiter of batch) waiter.reject(error);
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }
}

const COLUMNS = [
  'endpoint_id',
  'account_id',
  'message_id',
  'attempt',
  'trigger_type',
  'attempted_at',
  'outcome',
  'status_code',
  'latency_ms',
  'error_code',
  'error',
  'response_excerpt',
  'request_headers',
  'notice_type',
] as const;
const INSERT = `INSERT INTO webhook_attempts (${COLUMNS.join(', ')}) VALUES ?`;

/** The row as mysql2 takes it, long texts cut to their columns (one array, no intermediate copy of the row). */
function valuesOf(row: AttemptRow): unknown[] {
  const values: unknown[] = COLUMNS.map((column) => row[column] ?? null);
  values[ERROR] = clip(row.error, 512);
  values[EXCERPT] = clip(row.response_excerpt, 1024);
  return values;
}

const ERROR = COLUMNS.indexOf('error');
const EXCERPT = COLUMNS.indexOf('response_excerpt');

function clip(text: string | null | undefined, length: number): string | null {
  return text == null ? null : text.length > length ? text.slice(0, length) : text;
}
