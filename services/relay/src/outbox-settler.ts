import type { Pool, ResultSetHeader } from 'mysql2/promise';
import type { Publication } from './publication.js';

/** Lineage of one published row: its authlog row and where Kafka put it. */
export interface PublishedRow {
  readonly authlogId: number;
  readonly publication: Publication;
}

/**
 * Removes published rows from the queue, by id only (never by range: a row with an id inside the
 * batch's range may have committed after the batch was read, and is not published yet).
 * retention 0: DELETE at once. Otherwise the rows are marked (published_at) and RetentionCleaner
 * deletes them once they are older than the retention period.
 *
 * Where each row went (partition, offset, ack time) is written to event_publications just before
 * the DELETE/UPDATE: one multi-row INSERT, one more short trip per batch. If it fails nothing is
 * removed and the whole settle is retried (the insert is idempotent: a row already there keeps its
 * first position). Not one multi-statement trip (tried first): with both in one query the
 * relay-outages test found the relay, every time, still settling its last batch when MySQL was cut
 * (cause not pinned down); two plain statements behave as the DELETE alone did, and the relay's
 * pool needs no multipleStatements.
 */
export class OutboxSettler {
  constructor(
    private readonly pool: Pool,
    private readonly retentionSeconds: number,
  ) {}

  async settle(ids: readonly number[], published: readonly PublishedRow[] = []): Promise<number> {
    if (ids.length === 0) return 0;
    if (published.length > 0) await this.pool.query(publicationsInsert(published));
    const removal =
      this.retentionSeconds > 0
        ? `UPDATE outbox FORCE INDEX (PRIMARY) SET published_at = NOW(6) WHERE id IN (${idList(ids)}) AND published_at IS NULL`
        : deleteStatement(ids);
    const [result] = (await this.pool.query(removal)) as [ResultSetHeader, unknown];
    return result.affectedRows;
  }
}

/**
 * One multi-row INSERT. A row already present (the same event published again after a crash)
 * keeps its first position: that is the copy consumers saw first; the repeat is counted.
 */
function publicationsInsert(published: readonly PublishedRow[]): string {
  const values = published.map(({ authlogId, publication }) => {
    if (!Number.isSafeInteger(authlogId) || !Number.isSafeInteger(publication.partition) || !Number.isSafeInteger(publication.ackedAtMs)) {
      throw new TypeError(`not a publication: ${authlogId}`);
    }
    return `(${authlogId},${publication.partition},${publication.offset.toString()},FROM_UNIXTIME(${(publication.ackedAtMs / 1000).toFixed(3)}))`;
  });
  return (
    `INSERT INTO event_publications (authlog_id, kafka_partition, kafka_offset, acked_at) VALUES ${values.join(',')} ` +
    'ON DUPLICATE KEY UPDATE publications = LEAST(publications + 1, 65535)'
  );
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
  const [result] = (await pool.query(deleteStatement(ids))) as [ResultSetHeader, unknown];
  return result.affectedRows;
}

function deleteStatement(ids: readonly number[]): string {
  return `DELETE o FROM JSON_TABLE('[${idList(ids)}]', '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) AS ids ` + 'STRAIGHT_JOIN outbox AS o ON o.id = ids.id';
}

function idList(ids: readonly number[]): string {
  for (const id of ids) if (!Number.isSafeInteger(id)) throw new TypeError(`not an outbox id: ${id}`);
  return ids.join(',');
}
