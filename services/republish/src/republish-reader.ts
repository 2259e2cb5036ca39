import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Message } from 'kafkajs';
import { EVENT_SCHEMA_VERSION } from '../../../shared/event/auth-event.js';
import { toOutboxMessage } from '../../relay/src/outbox-message.js';
import type { RepublishFilter } from './republish-filter.js';
import type { RepublishDatabase } from './republish-tables.js';

export interface RepublishPage {
  readonly messages: readonly Message[];
  /** Every matching row with id <= cursor is in this page or an earlier one. */
  readonly cursor: number;
}

interface Row {
  id: number | string;
  txid: string;
  account_id: string;
  occurred_at: Date;
  event_type: string;
  schema_version: number | string | null;
  payload: Buffer | string;
}

/**
 * Authlog rows of a filter in id order (per account the live order, except a row whose transaction
 * took a lower id and committed after younger rows were published: the relay sent it after them),
 * as the relay's Kafka messages (toOutboxMessage: same headers, key, value byte for byte). Keyset
 * pagination bounded by a scan window, like the backfill's reader: a rare account or a narrow time
 * range never makes one query scan millions of rows. The trace context of the original write is
 * not kept after the relay deleted the outbox row, so republished messages carry none.
 */
export class RepublishReader {
  constructor(
    private readonly db: Kysely<RepublishDatabase>,
    private readonly filter: RepublishFilter,
    private readonly options: { readonly pageSize: number; readonly scanWindow: number },
  ) {}

  async next(afterId: number, maxId: number): Promise<RepublishPage> {
    const upper = Math.min(maxId, afterId + this.options.scanWindow);
    const conditions: RawBuilder<unknown>[] = [sql`id > ${afterId}`, sql`id <= ${upper}`, ...this.#filterConditions()];
    const result = await sql<Row>`
      SELECT id, txid, account_id, occurred_at, event_type, JSON_EXTRACT(payload, '$.schema_version') AS schema_version, payload
      FROM authlog FORCE INDEX (PRIMARY)
      WHERE ${sql.join(conditions, sql` AND `)}
      ORDER BY id
      LIMIT ${this.options.pageSize}
    `.execute(this.db);
    const messages = result.rows.map((row) =>
      toOutboxMessage({
        // id, shard and createdAt describe an outbox row; the message is built from the others.
        id: Number(row.id),
        shard: 0,
        createdAt: row.occurred_at,
        txid: row.txid,
        accountId: row.account_id,
        eventType: row.event_type,
        occurredAt: row.occurred_at,
        schemaVersion: row.schema_version === null ? EVENT_SCHEMA_VERSION : Number(row.schema_version),
        traceparent: null,
        tracestate: null,
        payload: Buffer.isBuffer(row.payload) ? row.payload : Buffer.from(row.payload, 'utf8'),
      }),
    );
    const last = result.rows.at(-1);
    const cursor = result.rows.length === this.options.pageSize && last !== undefined ? Number(last.id) : upper;
    return { messages, cursor };
  }

  /** MySQL's own count of the rows the job covers: the total the republished count must equal. */
  async count(firstId: number, maxId: number): Promise<number> {
    const conditions = [sql`id > ${firstId}`, sql`id <= ${maxId}`, ...this.#filterConditions()];
    const result = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM authlog WHERE ${sql.join(conditions, sql` AND `)}`.execute(this.db);
    return Number(result.rows[0]?.n ?? 0);
  }

  #filterConditions(): RawBuilder<unknown>[] {
    const conditions = [sql`occurred_at >= ${this.filter.from}`, sql`occurred_at < ${this.filter.to}`];
    if (this.filter.accountId !== null) conditions.push(sql`account_id = ${this.filter.accountId}`);
    return conditions;
  }
}
