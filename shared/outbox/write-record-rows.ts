import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { AuthlogDatabase } from '../db/database.js';
import { NotConsecutiveIdsError } from './not-consecutive-ids-error.js';
import { utcDatetime, type PendingRecord, type RecordResult } from './pending-record.js';
import { sqlString } from './sql-string.js';

/**
 * How the outbox rows get their authlog ids. consecutive: first + k * step, from the authlog
 * insert's own answer, proved for the batch before the outbox insert (or refused with
 * NotConsecutiveIdsError); lookup: one `(SELECT id FROM authlog WHERE txid = .. AND occurred_at = ..)` per row.
 */
export type AuthlogIds = 'consecutive' | 'lookup';

/**
 * Writes several callers' events (distinct txids, none recorded before as far as the caller knows)
 * in ONE transaction on one pooled connection: three plain multi-row inserts, authlog_txid (the
 * idempotency key, first: a retry fails there before its payload is written), authlog and outbox.
 * Resolves after COMMIT: every event is `recorded`. Rejects when the transaction failed as a whole
 * (rolled back, nothing of it committed: 1062 when some txid had been recorded before, a deadlock,
 * NotConsecutiveIdsError), or when the connection was lost (commit unknown, the error as it came).
 *
 * Statements sent as they are, not through a procedure: measured per 128-row flush, the procedure's
 * way (the VALUES lists in base64, FROM_BASE64, CONVERT, CONCAT, PREPARE) cost the server 117-136
 * us of CPU a row against 80-87 for the same three inserts sent directly, five more round trips
 * included (docs/outbox-writer.md). The VALUES lists are quoted here (sqlString: mysql2's escape
 * but for double quotes, which a single-quoted literal does not need), so the server parses what a
 * parameterised multi-row INSERT formatted by mysql2 on this pool would send; numbers are Number().
 */
export async function writeRecordRows(db: Kysely<AuthlogDatabase>, batch: readonly PendingRecord[], ids: AuthlogIds): Promise<RecordResult[]> {
  // One pass, each value quoted once: txid, account and time appear in two or three of the lists.
  const txidRows: string[] = [];
  const authlogRows: string[] = [];
  const outboxRest: string[] = [];
  const keys: Array<{ txid: string; at: string }> = [];
  for (const { event, payload, trace } of batch) {
    const [txid, account, at] = [sqlString(event.txid), sqlString(event.account_id), sqlString(utcDatetime(event.timestamp))];
    txidRows.push(`(${txid},${account})`);
    authlogRows.push(`(${at},${account},${txid},${sqlString(payload)})`);
    outboxRest.push(`${at},${account},${sqlString(event.event_type)},${Number(event.schema_version)},${sqlString(trace.traceparent)},${sqlString(trace.tracestate)})`);
    keys.push({ txid, at });
  }
  await db.connection().execute(async (connection) => {
    await inTransaction(connection, async () => {
      await insertValues('authlog_txid (txid, account_id)', txidRows).execute(connection);
      const { insertId } = await insertValues('authlog (occurred_at, account_id, txid, payload)', authlogRows).execute(connection);
      const authlogId =
        ids === 'consecutive'
          ? await consecutiveIds(connection, insertId, batch.length, keys.at(-1)!)
          : (index: number) => `(SELECT id FROM authlog WHERE txid=${keys[index]!.txid} AND occurred_at=${keys[index]!.at})`;
      const outboxRows = outboxRest.map((rest, index) => `(${authlogId(index)},${rest}`);
      await insertValues('outbox (authlog_id, occurred_at, account_id, event_type, schema_version, traceparent, tracestate)', outboxRows).execute(connection);
    });
  });
  return batch.map(({ event }) => ({ txid: event.txid, status: 'recorded' }));
}

/** `INSERT INTO <into> VALUES <rows>`, the rows quoted already (sqlString). */
function insertValues(into: string, rows: readonly string[]): RawBuilder<unknown> {
  return sql.raw(`INSERT INTO ${into} VALUES ${rows.join(',')}`);
}

/**
 * A multi-row INSERT ... VALUES is a "simple insert": InnoDB reserves its ids at once, consecutive
 * (step auto_increment_increment) in VALUES order in every innodb_autoinc_lock_mode. This proves
 * it for the batch with one primary-key read pruned to one partition: the last row sits at
 * first + (rows - 1) * step, and ids only grow within a statement, so the n distinct ids from first
 * to there are exactly the consecutive ones.
 */
async function consecutiveIds(
  connection: Kysely<AuthlogDatabase>,
  insertId: bigint | undefined,
  rows: number,
  last: { readonly txid: string; readonly at: string },
): Promise<(index: number) => string> {
  const first = BigInt(insertId ?? 0);
  const { rows: found } = await sql
    .raw<{ step: number | string; last_id: number | string | null }>(
      `SELECT @@auto_increment_increment AS step, (SELECT id FROM authlog WHERE txid=${last.txid} AND occurred_at=${last.at}) AS last_id`,
    )
    .execute(connection);
  const step = BigInt(found[0]!.step);
  const lastId = found[0]!.last_id === null ? null : BigInt(found[0]!.last_id!);
  if (first === 0n || lastId !== first + BigInt(rows - 1) * step) throw new NotConsecutiveIdsError(String(first), lastId === null ? null : String(lastId), rows, Number(step));
  return (index) => String(first + BigInt(index) * step);
}

/**
 * START TRANSACTION ... COMMIT around `work`, rolled back when it throws. A failed ROLLBACK (the
 * connection is gone, and with it the transaction) never hides the error that caused it: that
 * error says whether the outcome is known (a refused statement) or not (a lost connection).
 */
async function inTransaction(connection: Kysely<AuthlogDatabase>, work: () => Promise<void>): Promise<void> {
  await sql`START TRANSACTION`.execute(connection);
  try {
    await work();
  } catch (error) {
    await sql`ROLLBACK`.execute(connection).catch(() => undefined);
    throw error;
  }
  await sql`COMMIT`.execute(connection);
}
