import type { Kysely, Transaction } from 'kysely';
import { EVENT_SCHEMA_VERSION, type AuthEvent } from '../event/auth-event.js';
import type { AuthEventInput } from '../event/auth-event-schema.js';
import { parseAuthEvent } from '../event/parse-auth-event.js';
import type { AuthlogDatabase } from '../db/database.js';
import { callRecord, type AuthlogExecutor } from './call-record.js';
import { GroupCommit, type FlushReport } from './group-commit.js';
import type { RecordResult } from './pending-record.js';
import { checkTraceContext, type CheckedTrace, type TraceContext } from './trace-context.js';

export type { RecordResult, RecordStatus } from './pending-record.js';
export type { AuthlogExecutor } from './call-record.js';
export type { FlushReport } from './group-commit.js';

export interface OutboxWriterOptions {
  /** Most records one group commit writes (default 128). */
  readonly maxBatchRecords?: number;
  /** Most bytes of event JSON one group commit sends (default 2 MiB; escaping adds a little: keep well under max_allowed_packet). */
  readonly maxBatchBytes?: number;
  /**
   * Group commits of record() in flight at once, each on its own pooled connection (default 4). A
   * further one opens only while extraFlushAtRecords records wait behind the running ones.
   */
  readonly maxConcurrentFlushes?: number;
  /**
   * Records waiting behind a running group commit that open another one beside it (default 16,
   * at most maxBatchRecords): enough rows to pay for a second connection, and few enough that a
   * few dozen concurrent writers keep both of the server's cores busy instead of one.
   */
  readonly extraFlushAtRecords?: number;
  /** Told after every group commit of record(): batch sizes for metrics. Must not throw. */
  readonly onFlush?: (report: FlushReport) => void;
}

const ER_DUP_ENTRY = 1062;

/**
 * Records authentication events durably: the Authlog row and its outbox row in ONE transaction.
 * Every method resolves only after COMMIT (its own, or the caller's when given a transaction), so
 * a login may proceed exactly when its record is safe, and a rolled-back login leaves nothing.
 *
 * Events are validated before anything is sent to the database: a ValidationError names the field.
 * record() group-commits: concurrent calls share one transaction (GroupCommit: three multi-row inserts),
 * a lone call is written at once in one round trip (authlog_record). recordIn costs one round trip
 * inside the caller's transaction (authlog_record_in_tx, migrations/2026-11-26-07-record-procedures.ts).
 */
export class OutboxWriter {
  readonly #groupCommit: GroupCommit;

  constructor(
    private readonly db: Kysely<AuthlogDatabase>,
    options: OutboxWriterOptions = {},
  ) {
    // authlog_record opens its own transaction, which would silently commit a caller's open one.
    if (db.isTransaction) throw new TypeError('OutboxWriter needs the Kysely instance, not a transaction: use recordIn(trx, ...) for that');
    const maxRecords = positiveInteger('maxBatchRecords', options.maxBatchRecords ?? 128);
    const maxBytes = positiveInteger('maxBatchBytes', options.maxBatchBytes ?? 2 * 1024 * 1024);
    const maxFlushes = positiveInteger('maxConcurrentFlushes', options.maxConcurrentFlushes ?? 4);
    const extraFlushAt = Math.min(maxRecords, positiveInteger('extraFlushAtRecords', options.extraFlushAtRecords ?? 16));
    this.#groupCommit = new GroupCommit(db, { maxRecords, maxBytes, maxFlushes, extraFlushAt }, options.onFlush ?? (() => {}));
  }

  /**
   * Validates and records one event; resolves after COMMIT of the transaction holding it (shared
   * with concurrent calls, see GroupCommit) with this txid's own answer.
   */
  async record(event: AuthEventInput, trace?: TraceContext): Promise<RecordResult> {
    const checked = parseAuthEvent(event);
    const context = checkTraceContext(trace);
    const payload = JSON.stringify(checked);
    return new Promise<RecordResult>((resolve, reject) => {
      this.#groupCommit.add({ event: checked, trace: context, payload, bytes: Buffer.byteLength(payload), resolve, reject });
    });
  }

  /** Validates and records one event inside the caller's transaction; durable once the caller commits. */
  async recordIn(trx: Transaction<AuthlogDatabase>, event: AuthEventInput, trace?: TraceContext): Promise<RecordResult> {
    return callRecord(trx, 'authlog_record_in_tx', parseAuthEvent(event), checkTraceContext(trace));
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

async function insertMany(trx: AuthlogExecutor, events: readonly AuthEvent[], trace: CheckedTrace): Promise<RecordResult[]> {
  const unique = dedupeByTxid(events);
  const txids = unique.map((event) => event.txid);
  // authlog_txid first: the idempotency key (migrations/2026-12-08-91), whatever the timestamps.
  const recorded = await insertOrDuplicate(() => trx.insertInto('authlog_txid').values(unique.map((event) => ({ txid: event.txid, account_id: event.account_id }))).execute());
  let firstId: bigint | undefined;
  const inserted =
    recorded &&
    (await insertOrDuplicate(async () => {
      firstId = (await trx.insertInto('authlog').values(unique.map(authlogRow)).executeTakeFirst()).insertId;
    }));
  if (!inserted || firstId === undefined) {
    // Some were recorded before: take the one-by-one path, which reports each duplicate. When only
    // authlog's own (txid, occurred_at) key refused (recorded before the retry horizon), the txid
    // rows just written must go first, or every event would look like a duplicate.
    if (recorded) await trx.deleteFrom('authlog_txid').where('txid', 'in', txids).execute();
    const results: RecordResult[] = [];
    for (const event of events) results.push(await callRecord(trx, 'authlog_record_in_tx', event, trace));
    return results;
  }
  // Copy the new rows' ids straight from authlog: the ids of a multi-row insert are not guaranteed
  // consecutive (innodb_autoinc_lock_mode=2), and this needs no round trip to read them back. The
  // occurred_at values prune the read to the partitions of these events' months; the first new id
  // keeps out an older row of one of these txids (recorded before the retry horizon).
  await trx
    .insertInto('outbox')
    .columns(['authlog_id', 'occurred_at', 'account_id', 'event_type', 'schema_version', 'traceparent', 'tracestate'])
    .expression((eb) =>
      eb
        .selectFrom('authlog')
        .select([
          'id',
          'occurred_at',
          'account_id',
          'event_type',
          eb.val(EVENT_SCHEMA_VERSION).as('schema_version'),
          eb.val(trace.traceparent).as('traceparent'),
          eb.val(trace.tracestate).as('tracestate'),
        ])
        .where('txid', 'in', txids)
        .where('occurred_at', 'in', [...new Set(unique.map((event) => Date.parse(event.timestamp)))].map((ms) => new Date(ms)))
        .where('id', '>=', Number(firstId))
        // Outbox ids are the relay's order: they must follow the batch's order (the authlog ids do),
        // not the order in which the txid index returns the rows.
        .orderBy('id'),
    )
    .execute();
  const firstIndex = new Map(unique.map((event) => [event.txid, event]));
  return events.map((event) => ({ txid: event.txid, status: firstIndex.get(event.txid) === event ? 'recorded' : 'duplicate' }));
}

/** Runs one multi-row insert; false when a unique key refused it (1062: MySQL undid the statement). */
async function insertOrDuplicate(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

function authlogRow(event: AuthEvent) {
  return { occurred_at: new Date(event.timestamp), account_id: event.account_id, txid: event.txid, payload: JSON.stringify(event) };
}

/** The same txid twice in one batch is one event: the later copies are reported as duplicates. */
function dedupeByTxid(events: readonly AuthEvent[]): AuthEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => (seen.has(event.txid) ? false : (seen.add(event.txid), true)));
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { errno?: unknown }).errno === ER_DUP_ENTRY;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`OutboxWriter option ${name} must be a positive integer, got ${value}`);
  return value;
}
