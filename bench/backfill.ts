import { randomBytes } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import type { Kysely } from 'kysely';
import { createScratchDatabase } from '../testing/scratch-database.js';
import { createElasticsearch } from '../shared/elasticsearch/create-elasticsearch.js';
import { eventIndexNames, type EventIndexNames } from '../shared/elasticsearch/event-index.js';
import { ensureEventTemplate } from '../shared/elasticsearch/event-template.js';
import type { AuthEvent } from '../shared/event/auth-event.js';
import { parseAuthEvent } from '../shared/event/parse-auth-event.js';
import { AuthSimulator } from '../shared/simulation/auth-simulator.js';
import { AuthlogPageReader } from '../services/indexer/src/backfill/authlog-page-reader.js';
import type { BackfillDatabase } from '../services/indexer/src/backfill/backfill-tables.js';
import { toBulkItem, type BulkItem } from '../services/indexer/src/bulk-item.js';
import { createElasticsearchBulkSender } from '../services/indexer/src/elasticsearch-bulk-sender.js';
import { SpawnedProcess } from '../testing/spawned-process.js';
import { countEventDocuments, deleteEventIndices } from './indexer-support/elasticsearch-cleanup.js';
import { fillAuthlog } from './indexer-support/fill-authlog.js';
import type { Bench } from './support/bench-context.js';
import { benchSettings } from './support/bench-settings.js';
import { median, round } from './support/stats.js';
import { mysqlConnection } from '../shared/db/mysql-connection.js';
import { elasticsearchConnection } from '../shared/elasticsearch/elasticsearch-connection.js';

/**
 * backfill: rows/s from MySQL to Elasticsearch on 1,000,000 Authlog rows (200,000 with --quick),
 * written with multi-row INSERTs of simulated events over three months. Side by side:
 *   (a) MySQL ceiling: the same keyset scan (pages of 1,000 in id order) reading every row, no work;
 *   (b) Elasticsearch ceiling: a bare bulk loader sending the first 200,000 rows' documents,
 *       prepared beforehand, same bulk size and bulks in flight as the backfill;
 *   (c) subject: the built backfill command (defaults) from start to "completed".
 * Two rounds of each, on fresh index prefixes; figures are medians, and the ratio is the backfill
 * against the slower of its two ceilings.
 */
const PAGE = 1_000;
const IN_FLIGHT = 2;
const BACKFILL = 'dist/services/indexer/src/backfill/main.js';

export const backfill: Bench = async ({ quick, log }) => {
  const rows = quick ? 200_000 : 1_000_000;
  const rounds = 2;
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const scratch = await createScratchDatabase({ server: mysqlConnection(benchSettings), prefix: 'authlog_bench', connectionLimit: 4 });
  const db = scratch.db as unknown as Kysely<BackfillDatabase>;
  const es = createElasticsearch({ connection: elasticsearchConnection(benchSettings), requestTimeoutMs: 120_000 });
  const mysql: number[] = [];
  const bare: number[] = [];
  const subject: number[] = [];
  try {
    log(`filling authlog with ${rows} rows`);
    const filled = performance.now();
    const simulator = new AuthSimulator({ accounts: 500, usersPerAccount: 500, seed: 17, accountPrefix: 'bench_acct_' });
    const [from, to] = [new Date('2026-09-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')];
    for (let done = 0; done < rows; done += 10_000) {
      const chunk: AuthEvent[] = [];
      for (let n = 0; n < Math.min(10_000, rows - done); n += 1) chunk.push(parseAuthEvent(simulator.next(simulator.timestampBetween(from, to))));
      await fillAuthlog(scratch.db, chunk);
    }
    log(`filled in ${round((performance.now() - filled) / 1000)} s`);

    for (let n = 0; n < rounds; n += 1) {
      mysql.push(await scanRound(db, rows));
      log(`round ${n + 1}: MySQL keyset scan ${Math.round(mysql.at(-1)!)} rows/s`);
      bare.push(await bareRound(es, db, Math.min(rows, 200_000), eventIndexNames(`bench-bfbare-${run}-${n}`)));
      log(`round ${n + 1}: bare bulk loader ${Math.round(bare.at(-1)!)} docs/s`);
      subject.push(await backfillRound(es, scratch.url, rows, eventIndexNames(`bench-bf-${run}-${n}`)));
      log(`round ${n + 1}: backfill ${Math.round(subject.at(-1)!)} rows/s`);
    }
  } finally {
    await es.close();
    await scratch.drop();
  }
  const ceiling = Math.min(median(mysql), median(bare));
  return {
    rows,
    page_rows: PAGE,
    bulks_in_flight: IN_FLIGHT,
    rounds,
    backfill_rows_per_s: round(median(subject)),
    mysql_scan_rows_per_s: round(median(mysql)),
    bare_bulk_docs_per_s: round(median(bare)),
    ratio_to_ceiling: round(median(subject) / ceiling),
    backfill_runs: subject.map((rate) => Math.round(rate)).join(' '),
  };
};

export default backfill;

/** Ceiling (a): read every row in id order, pages of PAGE, nothing else. */
async function scanRound(db: Kysely<BackfillDatabase>, rows: number): Promise<number> {
  const reader = new AuthlogPageReader(db, { from: null, to: null, accountId: null, indexPrefix: 'unused' }, { pageSize: PAGE, scanWindow: PAGE });
  const started = performance.now();
  let cursor = 0;
  let read = 0;
  for (;;) {
    const page = await reader.next(cursor, Number.MAX_SAFE_INTEGER);
    read += page.rows.length;
    if (page.rows.length < PAGE) break;
    cursor = page.cursor;
  }
  if (read !== rows) throw new Error(`scan read ${read} rows instead of ${rows}`);
  return read / ((performance.now() - started) / 1000);
}

/** Ceiling (b): the first `count` rows' documents, prepared, straight to _bulk. */
async function bareRound(es: Client, db: Kysely<BackfillDatabase>, count: number, names: EventIndexNames): Promise<number> {
  const reader = new AuthlogPageReader(db, { from: null, to: null, accountId: null, indexPrefix: names.prefix }, { pageSize: PAGE, scanWindow: PAGE });
  const bulks: BulkItem<null>[][] = [];
  let cursor = 0;
  while (bulks.length * PAGE < count) {
    const page = await reader.next(cursor, Number.MAX_SAFE_INTEGER);
    bulks.push(page.rows.map((row) => toBulkItem(names, parseAuthEvent(JSON.parse(row.payload)), null)));
    cursor = page.cursor;
  }
  await ensureEventTemplate(es, names);
  try {
    const send = createElasticsearchBulkSender(es, { timeoutMs: 120_000 });
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < bulks.length) {
          const outcomes = await send(bulks[next++]!);
          if (outcomes.some((outcome) => outcome.status !== 'indexed')) throw new Error('bare loader: a document was not indexed');
        }
      }),
    );
    return count / ((performance.now() - started) / 1000);
  } finally {
    await deleteEventIndices(es, names);
  }
}

/** Subject (c): the backfill command, as an operator runs it, to completion. */
async function backfillRound(es: Client, mysqlUrl: string, rows: number, names: EventIndexNames): Promise<number> {
  const child = new SpawnedProcess(BACKFILL, { AUTHLOG_MYSQL_URL: mysqlUrl, AUTHLOG_ES_URL: benchSettings.AUTHLOG_ES_URL, INDEXER_INDEX_PREFIX: names.prefix, LOG_LEVEL: 'warn' });
  try {
    const { code } = await child.exited;
    const summary = JSON.parse(child.lines.at(-1) ?? '{}') as { status?: string; rowsIndexed?: number; seconds?: number };
    if (code !== 0 || summary.status !== 'completed' || summary.rowsIndexed !== rows) throw new Error(`backfill exited ${code}: ${child.lines.at(-1)} ${child.stderr.slice(-500)}`);
    const count = await countEventDocuments(es, names);
    if (count !== rows) throw new Error(`backfill: ${count} documents instead of ${rows}`);
    return rows / (summary.seconds ?? Number.NaN);
  } finally {
    await child.kill();
    await deleteEventIndices(es, names);
  }
}
