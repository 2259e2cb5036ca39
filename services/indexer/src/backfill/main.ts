/**
 * Backfill of the existing Authlog history into Elasticsearch (README.md, "Backfill"):
 *
 *   node dist/services/indexer/src/backfill/main.js [--from ...] [--to ...] [--account ...] [--job ...]
 *
 * Progress bar on stderr; the last stdout line is a JSON summary. Exit codes: 0 completed,
 * 130 stopped by Ctrl-C and 143 by SIGTERM (run the same command to resume), 1 failed (resumable
 * too: the checkpoint only ever covers indexed rows), 2 bad usage. A second Ctrl-C abandons the
 * bulks in flight (they are redone on resume).
 */
import type { Kysely } from 'kysely';
import { commonSettings } from '../../../../shared/config/common-settings.js';
import { loadConfig } from '../../../../shared/config/load-config.js';
import { createDatabase } from '../../../../shared/db/create-database.js';
import { createElasticsearch } from '../../../../shared/elasticsearch/create-elasticsearch.js';
import { eventIndexNames } from '../../../../shared/elasticsearch/event-index.js';
import { ensureEventTemplate } from '../../../../shared/elasticsearch/event-template.js';
import { createLogger, redactUrl } from '../../../../shared/log/logger.js';
import { readCommandLine } from '../../../../shared/cli/command-line.js';
import { BulkIndexer } from '../bulk-indexer.js';
import { createElasticsearchBulkSender } from '../elasticsearch-bulk-sender.js';
import { indexSettings } from '../indexer-settings.js';
import { AuthlogPageReader } from './authlog-page-reader.js';
import { BACKFILL_USAGE, parseBackfillArguments, type BackfillArguments } from './backfill-arguments.js';
import { defaultJobName, type BackfillFilter } from './backfill-filter.js';
import type { BackfillDatabase } from './backfill-tables.js';
import { runBackfill } from './backfill.js';
import { CheckpointStore } from './checkpoint-store.js';
import { ProgressReporter } from './progress-reporter.js';
import { mysqlConnection } from '../../../../shared/db/mysql-connection.js';
import { elasticsearchConnection } from '../../../../shared/elasticsearch/elasticsearch-connection.js';
import { pinCaFingerprint } from '../../../../shared/elasticsearch/pinned-ca.js';
import { connectionOrExit } from '../../../../shared/connections/connection-or-exit.js';
import { settingsOrExit } from '../../../../shared/config/settings-or-exit.js';
import { verifyConnections } from '../../../../shared/connections/connection-probe.js';
import { elasticsearchProbe } from '../../../../shared/connections/elasticsearch-probe.js';
import { mysqlProbe } from '../../../../shared/connections/mysql-probe.js';

async function main(argv: readonly string[]): Promise<number> {
  const line = readCommandLine({ tool: 'backfill', usage: BACKFILL_USAGE, argv, parse: parseBackfillArguments });
  if (!line.run) return line.exitCode;
  const args: BackfillArguments = line.args;
  const config = settingsOrExit('indexer-backfill', () => loadConfig({ ...commonSettings.mysql, ...commonSettings.elasticsearch, LOG_LEVEL: commonSettings.ops.LOG_LEVEL, ...indexSettings }));
  const logger = createLogger('indexer-backfill', config.LOG_LEVEL);
  const names = eventIndexNames(config.INDEXER_INDEX_PREFIX);
  const filter: BackfillFilter = { from: args.from, to: args.to, accountId: args.accountId, indexPrefix: config.INDEXER_INDEX_PREFIX };
  const jobName = args.job ?? defaultJobName(filter);
  const mysql = mysqlConnection(config);
  const elasticsearchSettings = await connectionOrExit('indexer-backfill', () => pinCaFingerprint(elasticsearchConnection(config)));
  const { db, pool } = createDatabase<BackfillDatabase>({ connection: mysql, connectionLimit: 2 });
  const elasticsearch = createElasticsearch({ connection: elasticsearchSettings, requestTimeoutMs: config.INDEXER_BULK_TIMEOUT_MS });

  const stop = new AbortController();
  const abort = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppedBy === undefined) {
      stoppedBy = signal;
      process.stderr.write(`\n${signal}: finishing the bulks in flight and saving the checkpoint (again to abandon them)\n`);
      stop.abort();
    } else abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  logger.info({ job: jobName, filter, mysql: redactUrl(config.AUTHLOG_MYSQL_URL), elasticsearch: config.AUTHLOG_ES_CLOUD_ID ?? redactUrl(config.AUTHLOG_ES_URL) }, 'backfill starting');
  try {
    await verifyConnections([mysqlProbe(pool, mysql), elasticsearchProbe(elasticsearch, elasticsearchSettings)], logger);
    await ensureEventTemplate(elasticsearch, names, { shards: config.INDEXER_INDEX_SHARDS, replicas: config.INDEXER_INDEX_REPLICAS, refreshInterval: config.INDEXER_REFRESH_INTERVAL });
    const summary = await runBackfill({
      jobName,
      filter,
      restart: args.restart,
      names,
      reader: new AuthlogPageReader(db, filter, { pageSize: args.batchSize, scanWindow: args.scanWindow }),
      checkpoints: new CheckpointStore(db as Kysely<BackfillDatabase>),
      bulk: new BulkIndexer(
        createElasticsearchBulkSender(elasticsearch, { timeoutMs: config.INDEXER_BULK_TIMEOUT_MS }),
        { initialMs: config.INDEXER_RETRY_INITIAL_MS, maxMs: config.INDEXER_RETRY_MAX_MS, factor: 2 },
        {
          request: () => {},
          requestRetry: (error, attempt, delayMs) => logger.debug({ err: error, attempt, delayMs }, 'bulk request failed; retrying'),
          documentRetry: (count, example) => logger.warn({ count, ...example }, 'documents answered 429/5xx; sending them again'),
          indexUnavailable: (error, attempt, delayMs) => logger.debug({ err: error, attempt, delayMs }, 'index refuses writes; retrying the same documents'),
        },
      ),
      maxInFlight: args.maxInFlight,
      maxRowsPerSecond: args.maxRowsPerSecond,
      maxDocumentBytes: config.INDEXER_MAX_DOCUMENT_BYTES,
      giveUpAfterMs: args.giveUpAfterMs,
      progress: (total) => new ProgressReporter(process.stderr, total),
      logger,
      stop: stop.signal,
      abort: abort.signal,
    });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    if (summary.rowsRejected > 0) process.stderr.write(`${summary.rowsRejected} row(s) could not be indexed: see indexer_backfill_rejections (job_name = '${jobName}')\n`);
    if (summary.status === 'completed') return 0;
    process.stderr.write(`stopped at id ${summary.lastId} of ${summary.maxId}; run the same command to resume\n`);
    return stoppedBy === 'SIGTERM' ? 143 : 130;
  } catch (error) {
    logger.error({ err: error, job: jobName }, 'backfill failed');
    process.stderr.write(`backfill failed: ${error instanceof Error ? error.message : String(error)}\nthe checkpoint covers only indexed rows: run the same command to resume\n`);
    return 1;
  } finally {
    await db.destroy().catch(() => {});
    await elasticsearch.close().catch(() => {});
  }
}

process.exitCode = await main(process.argv.slice(2));
