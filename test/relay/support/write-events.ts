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
  const seed = options.seed ?? Date.now() % 100_000;
  let next = 0;
  // Each worker writes its own accounts, one transaction after the other: an account's commit
  // order is then known (concurrent transactions of one account have no defined order).
  const worker = async (index: number) => {
    const simulator = new AuthSimulator({
      accounts: Math.max(1, Math.ceil((options.accounts ?? 30) / concurrency)),
      usersPerAccount: 20,
      seed: seed + index,
      accountPrefix: `acct_w${index}_`,
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
