import type { Pool, RowDataPacket } from 'mysql2/promise';

export interface BacklogSample {
  readonly rows: number;
  /** Seconds since the oldest unpublished row was inserted (database clock), 0 when there is none. */
  readonly oldestAgeSeconds: number;
}

/**
 * Measures the backlog of the given shards: how many unpublished rows, and how old the oldest is.
 * The count scans the backlog's index entries (cheap per row, but proportional to the backlog),
 * hence its own, slower interval. The oldest row of a shard is its lowest id (ids grow with
 * insertion time), so the age needs one index dive per shard.
 */
export class BacklogSampler {
  constructor(private readonly pool: Pool) {}

  async sample(shards: readonly number[]): Promise<BacklogSample> {
    if (shards.length === 0) return { rows: 0, oldestAgeSeconds: 0 };
    for (const shard of shards) if (!Number.isSafeInteger(shard)) throw new TypeError(`not a shard: ${shard}`);
    const list = shards.join(',');
    const [counted] = (await this.pool.query(`SELECT COUNT(*) AS n FROM outbox WHERE shard IN (${list}) AND published_at IS NULL`)) as [RowDataPacket[], unknown];
    const [oldest] = (await this.pool.query(
      'SELECT TIMESTAMPDIFF(MICROSECOND, MIN(o.created_at), NOW(6)) AS age_us FROM outbox o JOIN ' +
        `(SELECT shard, MIN(id) AS id FROM outbox WHERE shard IN (${list}) AND published_at IS NULL GROUP BY shard) AS heads ON o.id = heads.id`,
    )) as [RowDataPacket[], unknown];
    const ageUs = oldest[0]?.age_us;
    return {
      rows: Number(counted[0]?.n ?? 0),
      oldestAgeSeconds: ageUs === null || ageUs === undefined ? 0 : Math.max(0, Number(ageUs) / 1_000_000),
    };
  }
}
