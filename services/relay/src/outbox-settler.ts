import type { Pool, ResultSetHeader } from 'mysql2/promise';

/**
 * Removes published rows from the queue, by id only (never by range: a row with an id inside the
 * batch's range may have committed after the batch was read, and is not published yet).
 * retention 0: DELETE at once. Otherwise the rows are marked (published_at) and RetentionCleaner
 * deletes them once they are older than the retention period.
 */
export class OutboxSettler {
  constructor(
    private readonly pool: Pool,
    private readonly retentionSeconds: number,
  ) {}

  async settle(ids: readonly number[]): Promise<number> {
    if (ids.length === 0) return 0;
    if (this.retentionSeconds > 0) {
      const [result] = (await this.pool.query(
        `UPDATE outbox FORCE INDEX (PRIMARY) SET published_at = NOW(6) WHERE id IN (${idList(ids)}) AND published_at IS NULL`,
      )) as [ResultSetHeader, unknown];
      return result.affectedRows;
    }
    return deleteOutboxRows(this.pool, ids);
  }
}

/**
 * DELETE by primary key, driven by the id list. A plain `DELETE ... WHERE id IN (...)` on a small
 * outbox (the steady state) is planned as a table scan, and a scan waits for every row a writer
 * has inserted but not committed yet, even under READ COMMITTED: one slow login transaction would
 * stall the relay. Joining from the list (JSON_TABLE, MySQL 8 and MariaDB 10.6) with STRAIGHT_JOIN
 * makes it one primary-key lookup per id, touching only the rows being deleted.
 */
export async function deleteOutboxRows(pool: Pool, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const [result] = (await pool.query(
    `DELETE o FROM JSON_TABLE('[${idList(ids)}]', '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) AS ids ` + 'STRAIGHT_JOIN outbox AS o ON o.id = ids.id',
  )) as [ResultSetHeader, unknown];
  return result.affectedRows;
}

function idList(ids: readonly number[]): string {
  for (const id of ids) if (!Number.isSafeInteger(id)) throw new TypeError(`not an outbox id: ${id}`);
  return ids.join(',');
}
