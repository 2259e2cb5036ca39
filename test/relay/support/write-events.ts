import { OutboxWriter } from '../../../shared/outbox/outbox-writer.js';
import { AuthSimulator } from '../../../shared/simulation/auth-simulator.js';
import type { TestDatabase } from '../../support/test-database.js';
import type { WrittenEvent } from './delivery-check.js';

/** Records `count` simulated events through the OutboxWriter, `concurrency` transactions at a time; returns them in commit order. */
export async function writeEvents(
  database: TestDatabase,
  count: number,
  options: { accounts?: number; seed?: number; concurrency?: number; trace?: boolean } = {},
): Promise<WrittenEvent[]> {
  const writer = new OutboxWriter(database.db);
  const written: WrittenEvent[] = [];
  const concurrency = options.concurrency ?? 4;
  // Seeded simulators repeat their txids: every call and worker gets its own seed and accounts.
  const seed = (options.seed ?? Date.now() % 100_000) * 1000 + Math.floor(Math.random() * 1000);
  const tag = Math.random().toString(36).slice(2, 7);
  let next = 0;
  // Each worker writes its own accounts, one transaction after the other: an account's commit
  // order is then known (concurrent transactions of one account have no defined order).
  const worker = async (index: number) => {
    const simulator = new AuthSimulator({
      accounts: Math.max(1, Math.ceil((options.accounts ?? 30) / concurrency)),
      usersPerAccount: 20,
      seed: seed + index,
      accountPrefix: `acct_${tag}_w${index}_`,
    });
    while (next < count) {
      next += 1;
      const event = simulator.next();
      const trace = options.trace === true ? { traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` } : undefined;
      const result = await writer.record(event, trace);
      // Resolved = committed, and this worker alone writes these accounts.
      written.push({ txid: result.txid, accountId: String(event.account_id) });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
  return written;
}

/**
 * Records `count` simulated events in transactions of `batch` events (fast backlogs). Returns them
 * in outbox id order, the order the relay owes each account: the rows of one transaction commit
 * together, and their outbox ids (not the array order) say which comes first.
 */
export async function writeEventBatches(database: TestDatabase, count: number, options: { batch?: number; accounts?: number; seed?: number } = {}): Promise<WrittenEvent[]> {
  const prefix = `acct_b${Math.random().toString(36).slice(2, 7)}_`;
  const seed = (options.seed ?? Date.now() % 100_000) * 1000 + Math.floor(Math.random() * 1000);
  const simulator = new AuthSimulator({ accounts: options.accounts ?? 50, usersPerAccount: 20, seed, accountPrefix: prefix });
  const writer = new OutboxWriter(database.db);
  for (let done = 0; done < count; ) {
    const events = Array.from({ length: Math.min(options.batch ?? 500, count - done) }, () => simulator.next());
    await writer.recordBatch(events);
    done += events.length;
  }
  const rows = await database.db
    .selectFrom('outbox')
    .innerJoin('authlog', 'authlog.id', 'outbox.authlog_id')
    .select(['authlog.txid', 'outbox.account_id'])
    .where('outbox.account_id', 'like', `${prefix}%`)
    .orderBy('outbox.id')
    .execute();
  if (rows.length !== count) throw new Error(`expected ${count} outbox rows, found ${rows.length}`);
  return rows.map((row) => ({ txid: row.txid, accountId: row.account_id }));
}
