import type { Pool, RowDataPacket } from 'mysql2/promise';
import { sleep } from '../../../shared/util/sleep.js';
import { deleteOutboxRows } from './outbox-settler.js';

/**
 * Deletes published rows older than the retention period (only when RELAY_RETENTION_SECONDS > 0),
 * in chunks of `chunk` rows so that no statement holds many locks or a long undo log while writers
 * insert. Only the shards this instance owns, so several instances share the work without
 * contending on the same rows. Published rows are never read again, so no fencing is needed.
 * Each chunk is picked with a plain (non-locking) read, then deleted by primary key, so cleaning
 * never waits for writers' uncommitted rows (see deleteOutboxRows).
 * Every chunk is reported through `onDeleted` as soon as its DELETE returns, not once per round: a
 * round over a large backlog would otherwise show no progress for its whole length, the counter
 * would lag behind the table (a reader seeing an empty outbox read a count of 0), and a round that
 * fails after some chunks would never count the rows it did delete.
 */
export class RetentionCleaner {
  constructor(
    private readonly pool: Pool,
    private readonly options: {
      readonly retentionSeconds: number;
      readonly chunk: number;
      /** Called after each chunk's DELETE with the rows it removed (the relay's counter). */
      readonly onDeleted?: (rows: number) => void;
    },
  ) {}

  /** One round: deletes chunk after chunk until none is full; returns how many rows went. */
  async clean(shards: readonly number[], signal: AbortSignal): Promise<number> {
    if (shards.length === 0) return 0;
    for (const shard of shards) if (!Number.isSafeInteger(shard)) throw new TypeError(`not a shard: ${shard}`);
    const pick =
      `SELECT id FROM outbox WHERE shard IN (${shards.join(',')}) AND published_at IS NOT NULL ` +
      `AND published_at < NOW(6) - INTERVAL ${Math.floor(this.options.retentionSeconds)} SECOND LIMIT ${Math.floor(this.options.chunk)}`;
    let total = 0;
    while (!signal.aborted) {
      const [rows] = (await this.pool.query(pick)) as [RowDataPacket[], unknown];
      const deleted = await deleteOutboxRows(
        this.pool,
        rows.map((row) => Number(row.id)),
      );
      total += deleted;
      if (deleted > 0) this.options.onDeleted?.(deleted);
      if (rows.length < this.options.chunk) break;
      // Let the relay's own statements and the writers in between chunks.
      await sleep(5, signal);
    }
    return total;
  }
}
