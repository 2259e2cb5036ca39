import { sql, type Kysely } from 'kysely';
import type { AuthlogDatabase } from '../shared/db/database.js';
import { createScratchDatabase } from '../shared/db/scratch-database.js';
import type { AuthEventInput } from '../shared/event/auth-event-schema.js';
import { OutboxWriter } from '../shared/outbox/outbox-writer.js';
import { AuthSimulator } from '../shared/simulation/auth-simulator.js';
import type { Bench } from './support/bench-context.js';
import { benchSettings } from './support/bench-settings.js';
import { median, quantile, round } from './support/stats.js';
import { mysqlConnection } from '../shared/db/mysql-connection.js';

/**
 * outbox-write: what the library costs on the login path. Side by side on the same pool and table:
 *   (a) baseline: the Authlog-only insert transaction an auth service would run without us
 *       (a Kysely transaction: BEGIN, INSERT, COMMIT);
 *   (b) OutboxWriter.record: validation + Authlog row + outbox row in one transaction;
 *   (c) reference: the Authlog-only transaction in one round trip (a procedure), i.e. the best the
 *       baseline could do with the same trick the library uses: (b) against (c) is the marginal
 *       cost of the outbox row itself.
 * Rounds alternate a/b/c so all see the same machine noise and table size; figures are medians.
 */
const WRITERS = [1, 32] as const;

interface Round {
  readonly throughput: number;
  readonly latenciesMs: number[];
}

export const outboxWrite: Bench = async ({ quick, log }) => {
  const scratch = await createScratchDatabase({ server: mysqlConnection(benchSettings), prefix: 'authlog_bench', connectionLimit: 40 });
  const simulator = new AuthSimulator({ accounts: 200, usersPerAccount: 500, seed: 11 });
  const writer = new OutboxWriter(scratch.db);
  await sql`
    CREATE PROCEDURE bench_authlog_only(IN p_at DATETIME(3), IN p_account VARCHAR(64), IN p_txid VARCHAR(64), IN p_payload MEDIUMTEXT)
    BEGIN
      START TRANSACTION;
      INSERT INTO authlog (occurred_at, account_id, txid, payload) VALUES (p_at, p_account, p_txid, p_payload);
      COMMIT;
    END`.execute(scratch.db);
  const rounds = quick ? 3 : 7;
  const roundMs = quick ? 1_500 : 4_000;
  const figures: Record<string, number> = {};
  try {
    for (const writers of WRITERS) {
      const results = { a: [] as Round[], b: [] as Round[], c: [] as Round[] };
      await runRound(roundMs / 3, writers, simulator, (event) => baselineInsert(scratch.db, event)); // warm-up
      for (let round = 0; round < rounds; round += 1) {
        results.a.push(await runRound(roundMs, writers, simulator, (event) => baselineInsert(scratch.db, event)));
        results.b.push(await runRound(roundMs, writers, simulator, (event) => writer.record(event)));
        results.c.push(await runRound(roundMs, writers, simulator, (event) => oneTripInsert(scratch.db, event)));
      }
      for (const variant of ['a', 'b', 'c'] as const) {
        const latencies = results[variant].flatMap((r) => r.latenciesMs);
        figures[`${variant}_w${writers}_per_s`] = round(median(results[variant].map((r) => r.throughput)));
        figures[`${variant}_w${writers}_p50_ms`] = round(quantile(latencies, 0.5));
        figures[`${variant}_w${writers}_p99_ms`] = round(quantile(latencies, 0.99));
      }
      log(`${writers} writer(s): baseline ${figures[`a_w${writers}_per_s`]}/s, library ${figures[`b_w${writers}_per_s`]}/s, one-trip reference ${figures[`c_w${writers}_per_s`]}/s`);
    }
  } finally {
    await scratch.drop();
  }
  return {
    overhead: round(1 - figures.b_w32_per_s! / figures.a_w32_per_s!),
    p99_added_ms_w1: round(figures.b_w1_p99_ms! - figures.a_w1_p99_ms!),
    overhead_vs_one_trip: round(1 - figures.b_w32_per_s! / figures.c_w32_per_s!),
    ...figures,
  };
};

export default outboxWrite;

/** The plain transaction: one Authlog row, nothing else, no validation. */
async function baselineInsert(db: Kysely<AuthlogDatabase>, event: AuthEventInput): Promise<void> {
  const parsed = JSON.stringify(event);
  const timestamp = event.timestamp instanceof Date ? event.timestamp : new Date(event.timestamp);
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('authlog').values({ occurred_at: timestamp, account_id: event.account_id, txid: event.txid, payload: parsed }).execute();
  });
}

async function oneTripInsert(db: Kysely<AuthlogDatabase>, event: AuthEventInput): Promise<void> {
  const timestamp = event.timestamp instanceof Date ? event.timestamp : new Date(event.timestamp);
  await sql`CALL bench_authlog_only(${timestamp}, ${event.account_id}, ${event.txid}, ${JSON.stringify(event)})`.execute(db);
}

/** `writers` concurrent loops, each writing one event at a time, for `durationMs`. */
async function runRound(
  durationMs: number,
  writers: number,
  simulator: AuthSimulator,
  write: (event: AuthEventInput) => Promise<unknown>,
): Promise<Round> {
  const latenciesMs: number[] = [];
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < deadline) {
        // Events are made (and for the baseline serialised) inside the measured loop for both variants alike.
        const event = simulator.next();
        const began = performance.now();
        await write(event);
        latenciesMs.push(performance.now() - began);
      }
    }),
  );
  return { throughput: (latenciesMs.length * 1000) / (performance.now() - start), latenciesMs };
}

