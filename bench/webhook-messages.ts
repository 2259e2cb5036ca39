import { sql, type Kysely } from 'kysely';
import { listMessages, type MessageListFilter } from '../services/webhook-api/src/message-list-query.js';
import { mysqlConnection } from '../shared/db/mysql-connection.js';
import type { WebhooksDatabase } from '../shared/webhooks/webhook-tables.js';
import { loadAttemptLog } from '../testing/attempt-log-loader.js';
import { createScratchDatabase } from '../testing/scratch-database.js';
import type { Bench, BenchFigures } from './support/bench-context.js';
import { benchSettings } from './support/bench-settings.js';
import { elapsedMs, median, round } from './support/stats.js';

/**
 * webhook-messages: `GET /v1/endpoints/:id/messages`' query (listMessages, no HTTP) over one
 * endpoint with 200,000 attempts of 100,000 messages over 28 days (quick: 50,000 of 25,000),
 * bulk-loaded into a fresh database. Measured twice: first with the tables' statistics still empty
 * (as after a bulk load or restore, before InnoDB's background recount; STATS_AUTO_RECALC=0 keeps
 * them so for the run), then after ANALYZE TABLE. Before the statements named their indexes the
 * first phase took 13.9 s p50 for page 1 (services/webhook-api/README.md). Goal: both phases in the
 * same range (no plan depends on statistics), page 1 p50 well under a second.
 */
const ENDPOINT = 'ep_bench';
const ACCOUNT = 'acct_bench';

export const webhookMessagesBench: Bench = async ({ quick, log }) => {
  const messages = quick ? 25_000 : 100_000;
  const iterations = quick ? 5 : 10;
  const scratch = await createScratchDatabase({ server: mysqlConnection(benchSettings), prefix: 'authlog_bench' });
  const db = scratch.db as unknown as Kysely<WebhooksDatabase>;
  try {
    await sql`ALTER TABLE webhook_attempts STATS_AUTO_RECALC = 0`.execute(db);
    await sql`ALTER TABLE webhook_messages STATS_AUTO_RECALC = 0`.execute(db);
    const loadStarted = performance.now();
    const attempts = await loadAttemptLog(scratch.pool, { endpointId: ENDPOINT, accountId: ACCOUNT, messages, days: 28 });
    log(`loaded ${attempts} attempts of ${messages} messages in ${Math.round(elapsedMs(loadStarted))} ms`);
    const figures: BenchFigures = { attempts, messages, iterations };
    for (const phase of ['no_stats', 'analyzed'] as const) {
      if (phase === 'analyzed') await sql`ANALYZE TABLE webhook_attempts, webhook_messages`.execute(db);
      const page1 = await listMessages(db, ACCOUNT, ENDPOINT, { limit: 50 });
      const cases: Record<string, MessageListFilter> = {
        page1: { limit: 50 },
        limit250: { limit: 250 },
        after_cursor: { limit: 50, before: page1.next },
        failing_none: { limit: 50, status: 'failing' },
      };
      for (const [name, filter] of Object.entries(cases)) {
        const times: number[] = [];
        for (let n = 0; n < iterations; n += 1) {
          const started = performance.now();
          await listMessages(db, ACCOUNT, ENDPOINT, filter);
          times.push(elapsedMs(started));
        }
        figures[`${phase}_${name}_p50_ms`] = round(median(times));
        figures[`${phase}_${name}_max_ms`] = round(Math.max(...times));
        log(`${phase} ${name}: p50 ${round(median(times))} ms, max ${round(Math.max(...times))} ms`);
      }
    }
    return figures;
  } finally {
    await scratch.drop();
  }
};

export default webhookMessagesBench;
