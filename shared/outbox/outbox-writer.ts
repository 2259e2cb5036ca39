import type { Kysely, Transaction } from 'kysely';
import type { AuthEvent } from '../event/auth-event.js';
import type { AuthEventInput } from '../event/auth-event-schema.js';
import { parseAuthEvent } from '../event/parse-auth-event.js';
import type { AuthlogDatabase } from '../db/database.js';
import { IdempotencyConflictError } from './idempotency-conflict-error.js';
import { checkTraceContext, type TraceContext } from './trace-context.js';

export type RecordStatus = 'recorded' | 'duplicate';

export interface RecordResult {
  readonly txid: string;
  /** `duplicate`: this txid was recorded before; nothing new was written. */
  readonly status: RecordStatus;
  readonly authlogId: number;
}

/** Any Kysely handle whose database has our tables: the caller's own Kysely, or one of its transactions. */
export type AuthlogExecutor = Kysely<AuthlogDatabase> | Transaction<AuthlogDatabase>;

const ER_DUP_ENTRY = 1062;

/**
 * Records authentication events durably: the Authlog row and its outbox row in ONE transaction.
 * Every method resolves only after COMMIT (its own, or the caller's when given a transaction), so
 * a login may proceed exactly when its record is safe, and a rolled-back login leaves nothing.
 *
 * Events are validated before anything is sent to the database: a ValidationError names the field.
 */
export class OutboxWriter {
  constructor(private readonly db: Kysely<AuthlogDatabase>) {}

  /** Validates and records one event in a transaction of its own. */
  async record(event: AuthEventInput, trace?: TraceContext): Promise<RecordResult> {
    const checked = parseAuthEvent(event);
    const context = checkTraceContext(trace);
    return this.db.transaction().execute((trx) => insertOne(trx, checked, context));
  }

  /** Validates and records one event inside the caller's transaction; durable once the caller commits. */
  async recordIn(trx: Transaction<AuthlogDatabase>, event: AuthEventInput, trace?: TraceContext): Promise<RecordResult> {
    return insertOne(trx, parseAuthEvent(event), checkTraceContext(trace));
  }

  /** Validates every event first (one bad event writes nothing), then records all in one transaction. */
  async recordBatch(events: readonly AuthEventInput[], trace?: TraceContext): Promise<RecordResult[]> {
    const checked = events.map((event) => parseAuthEvent(event));
    const context = checkTraceContext(trace);
    if (checked.length === 0) return [];
    return this.db.transaction().execute((trx) => insertMany(trx, checked, context));
  }

  /** As recordBatch, inside the caller's transaction. */
  async recordBatchIn(trx: Transaction<AuthlogDatabase>, events: readonly AuthEventInput[], trace?: TraceContext): Promise<RecordResult[]> {
    const checked = events.map((event) => parseAuthEvent(event));
    const context = checkTraceContext(trace);
    return checked.length === 0 ? [] : insertMany(trx, checked, context);
  }
}

type CheckedTrace = ReturnType<typeof checkTraceContext>;

async function insertOne(trx: AuthlogExecutor, event: AuthEvent, trace: CheckedTrace): Promise<RecordResult> {
  let authlogId: number;
  try {
    const inserted = await trx.insertInto('authlog').values(authlogRow(event)).executeTakeFirstOrThrow();
    authlogId = Number(inserted.insertId);
  } catch (error) {
    // MySQL undoes only the failed statement, not the caller's transaction: we can look and go on.
    if (!isDuplicateKey(error)) throw error;
    return findDuplicate(trx, event);
  }
  await trx.insertInto('outbox').values(outboxRow(event, authlogId, trace)).execute();
  return { txid: event.txid, status: 'recorded', authlogId };
}

async function insertMany(trx: AuthlogExecutor, events: readonly AuthEvent[], trace: CheckedTrace): Promise<RecordResult[]> {
  const unique = dedupeByTxid(events);
  try {
    await trx.insertInto('authlog').values(unique.map(authlogRow)).execute();
  } catch (error) {
    // Some were recorded before: take the one-by-one path, which reports each duplicate.
    if (!isDuplicateKey(error)) throw error;
    const results: RecordResult[] = [];
    for (const event of events) results.push(await insertOne(trx, event, trace));
    return results;
  }
  // Auto-increment ids of a multi-row insert are not guaranteed consecutive (innodb_autoinc_lock_mode=2),
  // so read them back by the idempotency key instead of computing them.
  const rows = await trx
    .selectFrom('authlog')
    .select(['id', 'txid'])
    .where((eb) => eb.or(unique.map((event) => eb.and([eb('txid', '=', event.txid), eb('occurred_at', '=', new Date(event.timestamp))]))))
    .execute();
  const idByTxid = new Map(rows.map((row) => [row.txid, Number(row.id)]));
  await trx
    .insertInto('outbox')
    .values(unique.map((event) => outboxRow(event, idByTxid.get(event.txid) ?? 0, trace)))
    .execute();
  const firstIndex = new Map(unique.map((event) => [event.txid, event]));
  return events.map((event) => ({
    txid: event.txid,
    status: firstIndex.get(event.txid) === event ? 'recorded' : 'duplicate',
    authlogId: idByTxid.get(event.txid) ?? 0,
  }));
}

function authlogRow(event: AuthEvent) {
  return { occurred_at: new Date(event.timestamp), account_id: event.account_id, txid: event.txid, payload: JSON.stringify(event) };
}

function outboxRow(event: AuthEvent, authlogId: number, trace: CheckedTrace) {
  return {
    authlog_id: authlogId,
    account_id: event.account_id,
    event_type: event.event_type,
    schema_version: event.schema_version,
    traceparent: trace.traceparent,
    tracestate: trace.tracestate,
  };
}

/** The same txid twice in one batch is one event: the later copies are reported as duplicates. */
function dedupeByTxid(events: readonly AuthEvent[]): AuthEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => (seen.has(event.txid) ? false : (seen.add(event.txid), true)));
}

async function findDuplicate(trx: AuthlogExecutor, event: AuthEvent): Promise<RecordResult> {
  const existing = await trx
    .selectFrom('authlog')
    .select(['id', 'account_id'])
    .where('txid', '=', event.txid)
    .where('occurred_at', '=', new Date(event.timestamp))
    .executeTakeFirstOrThrow();
  if (existing.account_id !== event.account_id) throw new IdempotencyConflictError(event.txid, existing.account_id);
  return { txid: event.txid, status: 'duplicate', authlogId: Number(existing.id) };
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { errno?: unknown }).errno === ER_DUP_ENTRY;
}
