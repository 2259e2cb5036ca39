import type { QueryOptions } from 'mysql2';
import type { FieldPacket, Pool, RowDataPacket } from 'mysql2/promise';
import type { OutboxRecord } from './outbox-record.js';

/**
 * by-shard: one sub-select per shard, each with its own limit (ShardQuota), through
 *   ix_outbox_unpublished. Works for any share of the shards and with retained (marked) rows.
 * by-id: the oldest `limit` rows of the shards in primary-key order. Only for an instance that
 *   owns every shard and deletes published rows: the primary key then holds nothing but the
 *   backlog, and walking it skips the entries of just-deleted rows cheaply, where the secondary
 *   index makes a read check each of them against the clustered record until InnoDB's purge has
 *   removed them (measured here: 4,000 rows in ~30 ms by id against 120-160 ms by shard while a
 *   deep backlog drains).
 */
export type ReadRequest =
  | { readonly plan: 'by-shard'; readonly limits: ReadonlyMap<number, number>; readonly exclude?: readonly OutboxRecord[] }
  | { readonly plan: 'by-id'; readonly shards: readonly number[]; readonly limit: number; readonly exclude?: readonly OutboxRecord[] };

export interface ReadResult {
  /** In outbox id order; within a shard, the shard's oldest unpublished rows. */
  readonly records: OutboxRecord[];
  readonly returnedByShard: Map<number, number>;
}

interface Row extends RowDataPacket {
  id: number;
  shard: number;
  account_id: string;
  event_type: string;
  schema_version: number;
  traceparent: string | null;
  tracestate: string | null;
  created_at: Date;
  txid: string | null;
  occurred_at: Date | null;
  payload: Buffer | null;
}

// The payload goes to Kafka as the bytes MySQL sent: no utf8 decode and re-encode per row.
const payloadAsBuffer: NonNullable<QueryOptions['typeCast']> = (field, next) => (field.name === 'payload' ? field.buffer() : next());

/**
 * Reads the currently visible unpublished rows of the given shards, oldest first per shard, with
 * their payloads, in ONE query (plans above), joined with authlog by its whole primary key. There is no
 * cursor: a row whose transaction committed after younger rows were published is simply found by
 * the next read, because every read starts at the shard's oldest unpublished row.
 */
export class OutboxReader {
  constructor(private readonly pool: Pool) {}

  async read(request: ReadRequest): Promise<ReadResult> {
    const sql = request.plan === 'by-id' ? byIdQuery(request.shards, request.limit, request.exclude ?? []) : byShardQuery(request.limits, request.exclude ?? []);
    if (sql === undefined) return { records: [], returnedByShard: new Map() };
    const [rows] = (await this.pool.query({ sql, typeCast: payloadAsBuffer })) as [Row[], FieldPacket[]];
    const returnedByShard = new Map<number, number>();
    const records = rows.map((row): OutboxRecord => {
      returnedByShard.set(row.shard, (returnedByShard.get(row.shard) ?? 0) + 1);
      return {
        id: Number(row.id),
        shard: row.shard,
        accountId: row.account_id,
        txid: row.txid ?? '',
        eventType: row.event_type,
        schemaVersion: row.schema_version,
        occurredAt: row.occurred_at ?? row.created_at,
        createdAt: row.created_at,
        traceparent: row.traceparent,
        tracestate: row.tracestate,
        payload: row.txid === null ? null : row.payload,
      };
    });
    return { records, returnedByShard };
  }
}

const COLUMNS =
  'SELECT o.id, o.shard, o.account_id, o.event_type, o.schema_version, o.traceparent, o.tracestate, o.created_at, a.txid, a.occurred_at, a.payload ';

/**
 * authlog's whole primary key: the row sits in the one partition of its month. By id alone the
 * join would read every monthly partition's index for each row (docs/authlog-storage.md).
 */
const AUTHLOG_ROW = 'a.id = o.authlog_id AND a.occurred_at = o.occurred_at';

function byShardQuery(limits: ReadonlyMap<number, number>, exclude: readonly OutboxRecord[]): string | undefined {
  const excluded = new Map<number, number[]>();
  for (const record of exclude) {
    const ids = excluded.get(record.shard) ?? [];
    ids.push(record.id);
    excluded.set(record.shard, ids);
  }
  const parts: string[] = [];
  for (const [shard, limit] of limits) {
    const skip = excluded.get(shard);
    const notIn = skip === undefined ? '' : ` AND id NOT IN (${skip.map(integer).join(',')})`;
    parts.push(`(SELECT id FROM outbox WHERE shard = ${integer(shard)} AND published_at IS NULL${notIn} ORDER BY id LIMIT ${integer(limit)})`);
  }
  if (parts.length === 0) return undefined;
  return `${COLUMNS}FROM (${parts.join(' UNION ALL ')}) AS picked JOIN outbox o ON o.id = picked.id LEFT JOIN authlog a ON ${AUTHLOG_ROW} ORDER BY o.id`;
}

function byIdQuery(shards: readonly number[], limit: number, exclude: readonly OutboxRecord[]): string | undefined {
  if (shards.length === 0) return undefined;
  const notIn = exclude.length === 0 ? '' : ` AND o.id NOT IN (${exclude.map((record) => integer(record.id)).join(',')})`;
  return (
    `${COLUMNS}FROM outbox o FORCE INDEX (PRIMARY) LEFT JOIN authlog a ON ${AUTHLOG_ROW} ` +
    `WHERE o.published_at IS NULL AND o.shard IN (${shards.map(integer).join(',')})${notIn} ORDER BY o.id LIMIT ${integer(limit)}`
  );
}

/** Values inlined into SQL are integers we produced; refuse anything else rather than quote it. */
function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`not an integer: ${value}`);
  return String(value);
}
