import { sql, type Kysely } from 'kysely';
import { escape } from 'mysql2';
import type { AuthlogDatabase } from '../db/database.js';
import type { PendingRecord, RecordResult } from './pending-record.js';

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
  const txids = base64(batch.map(txidValues).join(','));
  const authlog = base64(batch.map(authlogValues).join(','));
  const outbox = base64(batch.map((pending, index) => outboxValues(pending, ids === 'consecutive' ? `@authlog_first+${index}*@authlog_step` : lookupId(pending))).join(','));
  const last = batch.at(-1)!.event;
  const check = ids === 'consecutive' ? sql`${batch.length}, ${last.txid}, ${utcDatetime(last.timestamp)}` : sql`NULL, NULL, NULL`;
  await sql`CALL authlog_record_rows(${txids}, ${authlog}, ${outbox}, ${check})`.execute(db);
  return batch.map(({ event }) => ({ txid: event.txid, status: 'recorded' }));
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function txidValues({ event }: PendingRecord): string {
  return `(${escape(event.txid)},${escape(event.account_id)})`;
}

function authlogValues({ event, payload }: PendingRecord): string {
  return `(${escape(utcDatetime(event.timestamp))},${escape(event.account_id)},${escape(event.txid)},${escape(payload)})`;
}

/**
 * The authlog id by authlog's UNIQUE (txid, occurred_at): both are constants, so the lookup is
 * pruned to the one partition of that month (by txid alone it would dive into every partition).
 */
function lookupId({ event }: PendingRecord): string {
  return `(SELECT id FROM authlog WHERE txid=${escape(event.txid)} AND occurred_at=${escape(utcDatetime(event.timestamp))})`;
}

function outboxValues({ event, trace }: PendingRecord, authlogId: string): string {
  return `(${authlogId},${escape(utcDatetime(event.timestamp))},${escape(event.account_id)},${escape(event.event_type)},${Number(event.schema_version)},${escape(trace.traceparent)},${escape(trace.tracestate)})`;
}

/** DATETIME(3) text in UTC, as the pool's `timezone: 'Z'` writes a Date. */
function utcDatetime(timestamp: string | Date): string {
  return new Date(timestamp).toISOString().replace('T', ' ').replace('Z', '');
}
