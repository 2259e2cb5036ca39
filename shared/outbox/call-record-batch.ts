import { sql, type Kysely } from 'kysely';
import type { AuthlogDatabase } from '../db/database.js';
import { IdempotencyConflictError } from './idempotency-conflict-error.js';
import { batchElement, type PendingRecord, type RecordResult } from './pending-record.js';

interface BatchAnswer {
  /** JSON array of {ord (1-based position), account_id (the account the txid was first recorded for)}. */
  readonly duplicates: string;
}

/**
 * Writes several callers' events (distinct txids) in ONE transaction and ONE round trip
 * (authlog_record_batch, migrations/2026-12-08-92-partitioned-record-procedures.ts: each event in turn). Resolves after COMMIT
 * with each event's own answer, in order: recorded, duplicate, or an IdempotencyConflictError for
 * a txid another account recorded. Rejects when the transaction failed (nothing of it committed),
 * or when the connection was lost (commit unknown).
 */
export async function callRecordBatch(db: Kysely<AuthlogDatabase>, batch: readonly PendingRecord[]): Promise<Array<RecordResult | IdempotencyConflictError>> {
  // Built here, not at enqueue: a lone record (the common case at low load) never needs it.
  const events = `[${batch.map(batchElement).join(',')}]`;
  const result = await sql`CALL authlog_record_batch(${events})`.execute(db);
  // All new: a bare OK packet. Some recorded before: [one row, OK packet].
  const answer = (result.rows[0] as unknown as BatchAnswer[] | undefined)?.[0];
  const earlier = new Map<number, string>();
  if (answer !== undefined) {
    for (const { ord, account_id } of JSON.parse(answer.duplicates) as Array<{ ord: number; account_id: string }>) earlier.set(ord - 1, account_id);
  }
  return batch.map(({ event }, index) => {
    const account = earlier.get(index);
    if (account === undefined) return { txid: event.txid, status: 'recorded' };
    if (account !== event.account_id) return new IdempotencyConflictError(event.txid, account);
    return { txid: event.txid, status: 'duplicate' };
  });
}
