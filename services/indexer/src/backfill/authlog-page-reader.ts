import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { BackfillFilter } from './backfill-filter.js';
import type { BackfillDatabase } from './backfill-tables.js';

export interface AuthlogRow {
  readonly id: number;
  readonly txid: string;
  readonly payload: string;
}

export interface AuthlogPage {
  readonly rows: readonly AuthlogRow[];
  /** Every matching row with id <= cursor has been returned (in this page or an earlier one). */
  readonly cursor: number;
}

/**
 * Reads Authlog rows in primary-key order with keyset pagination: `WHERE id > cursor ORDER BY id
 * LIMIT n`, never OFFSET, so each page costs the same at row 10 and at row 10 billion.
 *
 * With a time or account filter, each query also stops at `cursor + scanWindow` ids: a rare
 * account would otherwise make one query scan millions of rows to fill a page. The cursor then
 * advances to the end of the window even when it held few or no matches, so progress (and the
 * checkpoint) keeps moving. FORCE INDEX (PRIMARY) keeps the optimiser from answering an account
 * filter through the (account_id, occurred_at) index plus a sort of all that account's rows.
 */
export class AuthlogPageReader {
  constructor(
    private readonly db: Kysely<BackfillDatabase>,
    private readonly filter: BackfillFilter,
    private readonly options: { readonly pageSize: number; readonly scanWindow: number },
  ) {}

  get filtered(): boolean {
    return this.filter.from !== null || this.filter.to !== null || this.filter.accountId !== null;
  }

  async next(afterId: number, maxId: number): Promise<AuthlogPage> {
    const upper = this.filtered ? Math.min(maxId, afterId + this.options.scanWindow) : maxId;
    const conditions: RawBuilder<unknown>[] = [sql`id > ${afterId}`, sql`id <= ${upper}`];
    if (this.filter.from !== null) conditions.push(sql`occurred_at >= ${this.filter.from}`);
    if (this.filter.to !== null) conditions.push(sql`occurred_at < ${this.filter.to}`);
    if (this.filter.accountId !== null) conditions.push(sql`account_id = ${this.filter.accountId}`);
    const result = await sql<AuthlogRow>`
      SELECT id, txid, payload FROM authlog FORCE INDEX (PRIMARY)
      WHERE ${sql.join(conditions, sql` AND `)}
      ORDER BY id
      LIMIT ${this.options.pageSize}
    `.execute(this.db);
    const rows = result.rows.map((row) => ({ id: Number(row.id), txid: row.txid, payload: row.payload }));
    const last = rows.at(-1);
    // A full page may have more rows after it inside the window; a short one exhausted the window.
    const cursor = rows.length === this.options.pageSize && last !== undefined ? last.id : upper;
    return { rows, cursor };
  }
}
