import { sql, type Kysely, type Transaction } from 'kysely';
import type { AuthEvent } from '../event/auth-event.js';
import type { AuthlogDatabase } from '../db/database.js';
import { IdempotencyConflictError } from './idempotency-conflict-error.js';
import type { RecordResult } from './pending-record.js';
import type { CheckedTrace } from './trace-context.js';

/** Any Kysely handle whose database has our tables: the caller's own Kysely, or one of its transactions. */
export type AuthlogExecutor = Kysely<AuthlogDatabase> | Transaction<AuthlogDatabase>;

interface DuplicateAnswer {
  readonly status: 'duplicate';
  readonly account_id: string;
}

/**
 * One event in one round trip: authlog_record (its own transaction) or authlog_record_in_tx (the
 * caller's), see migrations/2026-11-26-07-record-procedures.ts.
 */
export async function callRecord(
  executor: AuthlogExecutor,
  procedure: 'authlog_record' | 'authlog_record_in_tx',
  event: AuthEvent,
  trace: CheckedTrace,
  payload: string = JSON.stringify(event),
): Promise<RecordResult> {
  const result = await sql`CALL ${sql.raw(procedure)}(${new Date(event.timestamp)}, ${event.account_id}, ${event.txid}, ${payload},
    ${event.event_type}, ${event.schema_version}, ${trace.traceparent}, ${trace.tracestate})`.execute(executor);
  // A new record answers with a bare OK packet (no rows); a duplicate with [result set, OK packet].
  const duplicate = (result.rows[0] as unknown as DuplicateAnswer[] | undefined)?.[0];
  if (duplicate === undefined) return { txid: event.txid, status: 'recorded' };
  if (duplicate.account_id !== event.account_id) throw new IdempotencyConflictError(event.txid, duplicate.account_id);
  return { txid: event.txid, status: 'duplicate' };
}
