import { sql, type Kysely } from 'kysely';
import type { AuthlogDatabase } from '../../shared/db/database.js';
import type { AuthEvent } from '../../shared/event/auth-event.js';

/**
 * Writes events straight into the authlog table with multi-row INSERTs (no outbox rows): history
 * as the seed system holds it, for the backfill's tests and benchmark. Much faster than the outbox
 * writer, which is not what is measured there. Each chunk writes its authlog_txid rows (the
 * idempotency key) in the same transaction, as every write path does.
 */
export async function fillAuthlog(db: Kysely<AuthlogDatabase>, events: readonly AuthEvent[], rowsPerInsert = 1_000): Promise<void> {
  for (let start = 0; start < events.length; start += rowsPerInsert) {
    const chunk = events.slice(start, start + rowsPerInsert);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('authlog_txid')
        .values(chunk.map((event) => ({ txid: event.txid, account_id: event.account_id })))
        .execute();
      await trx
        .insertInto('authlog')
        .values(chunk.map((event) => ({ occurred_at: new Date(event.timestamp), account_id: event.account_id, txid: event.txid, payload: JSON.stringify(event) })))
        .execute();
    });
  }
}

/** Rows whose payload is not a valid event (as an old writer may have left), to check they are reported. */
export async function insertRawAuthlogRow(db: Kysely<AuthlogDatabase>, row: { txid: string; accountId: string; occurredAt: Date; payload: string }): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`INSERT INTO authlog_txid (txid, account_id) VALUES (${row.txid}, ${row.accountId})`.execute(trx);
    const result = await sql`INSERT INTO authlog (occurred_at, account_id, txid, payload) VALUES (${row.occurredAt}, ${row.accountId}, ${row.txid}, ${row.payload})`.execute(trx);
    return Number(result.insertId);
  });
}
