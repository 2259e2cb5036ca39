import { sql, type Kysely } from 'kysely';
import { escape } from 'mysql2';
import type { AuthlogDatabase } from '../db/database.js';
import { utcDatetime, type PendingRecord, type RecordResult } from './pending-record.js';

/**
 * How the outbox rows get their authlog ids. consecutive: `@authlog_first + k * @authlog_step`,
 * which the procedure proves right for the batch (or refuses with NOT_CONSECUTIVE_ERRNO);
 * lookup: one `(SELECT id FROM authlog WHERE txid = .. AND occurred_at = ..)` per row.
 */
export type AuthlogIds = 'consecutive' | 'lookup';

/**
 * Writes several callers' events (distinct txids, none recorded before as far as the caller knows)
 * in ONE transaction and ONE round trip: authlog_record_rows, three plain multi-row inserts
 * (authlog_txid, authlog, outbox; migrations/2026-12-08-92-partitioned-record-procedures.ts).
 * Resolves after COMMIT: every event is `recorded`. Rejects when the transaction failed as a whole
 * (nothing of it committed; 1062 when some txid had been recorded before; NOT_CONSECUTIVE_ERRNO
 * when `consecutive` ids were refused), or when the connection was lost (commit unknown).
 *
 * The VALUES lists are escaped here with mysql2's own escape, the same function that formats every
 * Kysely query's parameters on this pool (client-side interpolation), so the text the server parses
 * is what a parameterised multi-row INSERT would send. They travel in base64 (the procedure decodes
 * them), so that this text is not escaped a second time as the CALL's string parameters.
 */
export async function callRecordRows(db: Kysely<AuthlogDatabase>, batch: readonly PendingRecord[], ids: AuthlogIds): Promise<RecordResult[]> {
  // One pass, each value escaped once: txid, account and time appear in two or three of the lists.
  const txidRows: string[] = [];
  const authlogRows: string[] = [];
  const outboxRows: string[] = [];
  batch.forEach(({ event, payload, trace }, index) => {
    const [txid, account, at] = [escape(event.txid), escape(event.account_id), escape(utcDatetime(event.timestamp))];
    // By authlog's UNIQUE (txid, occurred_at): both constants, so the lookup is pruned to one partition.
    const authlogId = ids === 'consecutive' ? `@authlog_first+${index}*@authlog_step` : `(SELECT id FROM authlog WHERE txid=${txid} AND occurred_at=${at})`;
    txidRows.push(`(${txid},${account})`);
    authlogRows.push(`(${at},${account},${txid},${escape(payload)})`);
    outboxRows.push(`(${authlogId},${at},${account},${escape(event.event_type)},${Number(event.schema_version)},${escape(trace.traceparent)},${escape(trace.tracestate)})`);
  });
  const last = batch.at(-1)!.event;
  const check = ids === 'consecutive' ? sql`${batch.length}, ${last.txid}, ${utcDatetime(last.timestamp)}` : sql`NULL, NULL, NULL`;
  await sql`CALL authlog_record_rows(${base64(txidRows)}, ${base64(authlogRows)}, ${base64(outboxRows)}, ${check})`.execute(db);
  return batch.map(({ event }) => ({ txid: event.txid, status: 'recorded' }));
}

function base64(rows: readonly string[]): string {
  return Buffer.from(rows.join(','), 'utf8').toString('base64');
}
