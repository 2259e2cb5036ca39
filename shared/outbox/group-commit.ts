import type { Kysely } from 'kysely';
import type { AuthlogDatabase } from '../db/database.js';
import { callRecord } from './call-record.js';
import { callRecordBatch } from './call-record-batch.js';
import { isCommitUnknown } from './commit-unknown.js';
import { IdempotencyConflictError } from './idempotency-conflict-error.js';
import { NotConsecutiveIdsError } from './not-consecutive-ids-error.js';
import type { PendingRecord, RecordResult } from './pending-record.js';
import { writeRecordRows, type AuthlogIds } from './write-record-rows.js';

const ER_DUP_ENTRY = 1062;
const ER_LOCK_DEADLOCK = 1213;
/** Tries of one batch when it is chosen as a deadlock victim, before it is split into single records. */
const DEADLOCK_ATTEMPTS = 3;

function errno(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { errno?: unknown }).errno : undefined;
}

/** What one flush did: the demo auth service exports it as metrics. */
export interface FlushReport {
  readonly records: number;
  readonly bytes: number;
  readonly seconds: number;
  /**
   * committed: one transaction held every record. split: the batch failed as a whole and each
   * record was then written alone (each caller got its own answer). failed: the connection was
   * lost, every caller got the error.
   */
  readonly outcome: 'committed' | 'split' | 'failed';
}

export interface GroupCommitLimits {
  readonly maxRecords: number;
  readonly maxBytes: number;
  /** Flushes in flight at once (each on its own pooled connection). */
  readonly maxFlushes: number;
  /** Records waiting behind the running flushes that open one more (<= maxRecords). */
  readonly extraFlushAt: number;
}

/**
 * Group commit in the client: record() calls that arrive while a flush is in flight wait, and the
 * next flush writes all of them (up to the limits) in one transaction: three multi-row inserts,
 * a handful of round trips for up to 128 records. No timer: when nothing is in flight a record is
 * written at once, alone (authlog_record, one round trip, the cheapest write of one event). Under
 * load the round trips, the statements and the COMMIT are shared by many rows, which is where a
 * per-login transaction spends its time.
 *
 * At most `maxFlushes` flushes at a time per writer, and another one only while `extraFlushAt`
 * records (16) wait behind the running ones: at light load one connection takes everything; from a
 * few dozen concurrent writers on, batches of 16 or more run side by side on the server's cores (one
 * flush at a time kept one server thread busy: 32 writers were 0.82-0.99 of the plain insert on a quiet
 * machine, and 1.23-1.26 with a second flush at 16 waiting); the pool's other connections stay free
 * for the auth service's own queries. Records of flushes running side by side get outbox ids in
 * whichever order the server runs them, as two auth service instances' records would: a record
 * called after another one resolved always comes later (causal order, what a login sequence
 * needs); calls made at the same moment have no order (keeping their call order per account cost
 * a fifth of the throughput at 512 writers: 1.58x the plain insert against 1.98x). Two
 * flushes holding the same txid behave like any two concurrent transactions: the second waits for
 * the first's row and then answers duplicate (or, after a deadlock, is split into single records).
 */
export class GroupCommit {
  readonly #queue: PendingRecord[] = [];
  /** Txids of the flushes in flight: a second copy waits for the first to commit, as it would alone. */
  readonly #inFlight = new Set<string>();
  #flushes = 0;
  /**
   * Outbox rows take their authlog ids as first + k (no lookup per row) until the server once
   * refuses that (ids not consecutive, which InnoDB's simple inserts do not do); from then on
   * this writer looks each id up.
   */
  #authlogIds: AuthlogIds = 'consecutive';

  constructor(
    private readonly db: Kysely<AuthlogDatabase>,
    private readonly limits: GroupCommitLimits,
    private readonly onFlush: (report: FlushReport) => void,
  ) {}

  add(pending: PendingRecord): void {
    this.#queue.push(pending);
    // A lone record is written at once. Another flush beside a running one only when enough records
    // wait: a second connection for one or two records costs more than it saves (measured under load:
    // such small batches on more connections were slower than one flush of them all).
    if (this.#flushes === 0 || (this.#flushes < this.limits.maxFlushes && this.#queue.length >= this.limits.extraFlushAt)) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#flushes += 1;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#take();
        if (batch.length === 0) break; // all waiting txids are in other flushes: those drains go on
        this.#hold(batch);
        try {
          await this.#flush(batch);
        } finally {
          this.#release(batch);
        }
        // The callers just answered send their next records within this turn of the event loop
        // (a few promise hops each): take the batch after them, not the first few of them. This is
        // one turn, not a timer, and only when a flush was in flight (a lone record never waits).
        await new Promise<void>((turn) => setImmediate(turn));
      }
    } finally {
      this.#flushes -= 1;
    }
  }

  /**
   * The oldest records within the limits. A txid already in this batch or in a flush in flight
   * stays queued for a later flush: it then meets the committed first copy and gets exactly the
   * answer it would alone (and two of our own flushes never lock the same txid: no deadlock).
   */
  #take(): PendingRecord[] {
    const batch: PendingRecord[] = [];
    const rest: PendingRecord[] = [];
    const txids = new Set<string>();
    let bytes = 0;
    for (const pending of this.#queue) {
      const { txid } = pending.event;
      const fits = batch.length === 0 || (batch.length < this.limits.maxRecords && bytes + pending.bytes <= this.limits.maxBytes);
      if (fits && !txids.has(txid) && !this.#inFlight.has(txid)) {
        batch.push(pending);
        txids.add(txid);
        bytes += pending.bytes;
      } else {
        rest.push(pending);
      }
    }
    this.#queue.splice(0, this.#queue.length, ...rest);
    return batch;
  }

  #hold(batch: readonly PendingRecord[]): void {
    for (const { event } of batch) this.#inFlight.add(event.txid);
  }

  #release(batch: readonly PendingRecord[]): void {
    for (const { event } of batch) this.#inFlight.delete(event.txid);
  }

  /** Settles every caller of the batch; never throws. */
  async #flush(batch: readonly PendingRecord[]): Promise<void> {
    const started = performance.now();
    const bytes = batch.reduce((sum, pending) => sum + pending.bytes, 0);
    const report = (outcome: FlushReport['outcome']) => {
      try {
        this.onFlush({ records: batch.length, bytes, seconds: (performance.now() - started) / 1000, outcome });
      } catch {
        // A metrics callback must not take the callers' answers with it.
      }
    };
    if (batch.length === 1) return report((await this.#single(batch[0]!)) ? 'committed' : 'failed');
    try {
      const answers = await this.#writeBatch(batch);
      batch.forEach((pending, index) => {
        const answer = answers[index]!;
        if (answer instanceof Error) pending.reject(answer);
        else pending.resolve(answer);
      });
      report('committed');
    } catch (error) {
      if (isCommitUnknown(error)) {
        for (const pending of batch) pending.reject(error);
        return report('failed');
      }
      // Rolled back as a whole (a deadlock, one row the server refused...): each record alone,
      // so each caller gets exactly what a single record() would have given it.
      await Promise.all(batch.map((pending) => this.#single(pending)));
      report('split');
    }
  }

  /**
   * The fast path is three plain multi-row inserts (writeRecordRows). When some txid was
   * recorded before (1062: a retry, or a concurrent writer; that transaction was rolled back as a
   * whole), authlog_record_batch writes the batch again and tells each duplicate apart, still in
   * one transaction and one round trip: the rare case pays its per-event loop, the common case
   * does not.
   */
  async #writeBatch(batch: readonly PendingRecord[]): Promise<Array<RecordResult | IdempotencyConflictError>> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        try {
          return await writeRecordRows(this.db, batch, this.#authlogIds);
        } catch (error) {
          if (error instanceof NotConsecutiveIdsError) {
            // Rolled back as a whole: nothing of it committed. The same batch, ids looked up.
            this.#authlogIds = 'lookup';
            return await writeRecordRows(this.db, batch, this.#authlogIds);
          }
          if (errno(error) !== ER_DUP_ENTRY) throw error;
          return await callRecordBatch(this.db, batch);
        }
      } catch (error) {
        // A deadlock victim was rolled back as a whole (nothing of it committed): writing the same
        // batch again is safe. Two flushes meeting on the txid index's gap locks (a duplicate's
        // check takes shared next-key locks) is the usual cause once several run at once.
        if (errno(error) !== ER_LOCK_DEADLOCK || attempt >= DEADLOCK_ATTEMPTS) throw error;
      }
    }
  }

  /** Writes one record alone and settles its caller; false when the write failed (a conflict is an answer). */
  async #single(pending: PendingRecord): Promise<boolean> {
    try {
      pending.resolve(await callRecord(this.db, 'authlog_record', pending.event, pending.trace, pending.payload));
      return true;
    } catch (error) {
      pending.reject(error);
      return error instanceof IdempotencyConflictError;
    }
  }
}
