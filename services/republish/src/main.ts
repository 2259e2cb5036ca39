/**
 * npm run republish -- --from ... --to ... --topic ... [--account ...]: the Authlog history to a
 * topic of the operator's choice (REPUBLISH_USAGE, docs/firehose.md "Replay"). Progress on stderr,
 * the last stdout line a JSON summary. Exit codes: 0 completed with totals equal to MySQL's, 1
 * failed or totals differ, 2 bad usage, 130/143 stopped by Ctrl-C/SIGTERM (run again to resume).
 */
import type { Kysely } from 'kysely';
import { settingsOrExit } from '../../../shared/config/settings-or-exit.js';
import { verifyConnections } from '../../../shared/connections/connection-probe.js';
import { mysqlProbe } from '../../../shared/connections/mysql-probe.js';
import { createDatabase } from '../../../shared/db/create-database.js';
import { mysqlConnection } from '../../../shared/db/mysql-connection.js';
import { createKafka } from '../../../shared/kafka/create-kafka.js';
import { kafkaConnection } from '../../../shared/kafka/kafka-connection.js';
import { ensureTopic } from '../../../shared/kafka/topics.js';
import { createLogger, redactUrl } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { startOpsServer, type OpsServer } from '../../../shared/ops/ops-server.js';
import { eventsTopicConfig } from '../../../shared/retention/topic-retention.js';
import { ProgressReporter } from '../../indexer/src/backfill/progress-reporter.js';
import { KafkaEventPublisher } from '../../relay/src/event-publisher.js';
import { parseRepublishArguments, REPUBLISH_USAGE, type RepublishArguments } from './republish-arguments.js';
import { readCommandLine } from '../../../shared/cli/command-line.js';
import { defaultJobName, type RepublishFilter } from './republish-filter.js';
import { RepublishJobs } from './republish-jobs.js';
import { RepublishMetrics } from './republish-metrics.js';
import { RepublishReader } from './republish-reader.js';
import { loadRepublishSettings } from './republish-settings.js';
import type { RepublishDatabase } from './republish-tables.js';
import { runRepublish } from './republisher.js';

async function main(argv: readonly string[]): Promise<number> {
  const line = readCommandLine({ tool: 'republish', usage: REPUBLISH_USAGE, argv, parse: parseRepublishArguments });
  if (!line.run) return line.exitCode;
  const args: RepublishArguments = line.args;
  const config = settingsOrExit('republish', () => loadRepublishSettings());
  if (args.topic === config.RELAY_TOPIC) {
    process.stderr.write(`republish: --topic ${args.topic} is the live events topic (RELAY_TOPIC): the indexer and the webhook dispatcher would receive the history again. Publish to a topic of its own and point the new consumer at it.\n`);
    return 2;
  }
  const logger = createLogger('republish', config.LOG_LEVEL);
  const filter: RepublishFilter = { from: args.from, to: args.to, accountId: args.accountId, topic: args.topic };
  const jobName = args.job ?? defaultJobName(filter);
  const mysql = mysqlConnection(config);
  const { db, pool } = createDatabase<RepublishDatabase>({ connection: mysql, connectionLimit: 2 });
  const kafka = createKafka({ clientId: 'republish', connection: kafkaConnection(config), logger });
  const publisher = new KafkaEventPublisher({ kafka, topic: args.topic, maxRequestBytes: config.REPUBLISH_MAX_REQUEST_BYTES, maxPartitionBytes: 900_000, compression: 'none', logger });

  const stop = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppedBy !== undefined) process.exit(signal === 'SIGTERM' ? 143 : 130);
    stoppedBy = signal;
    process.stderr.write(`\n${signal}: finishing the batch in flight and saving the checkpoint (again to quit at once)\n`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  logger.info({ job: jobName, filter, mysql: redactUrl(config.AUTHLOG_MYSQL_URL) }, 'republish starting');
  const admin = kafka.admin();
  const registry = createMetricsRegistry('republish');
  const metrics = new RepublishMetrics(registry);
  let ops: OpsServer | undefined;
  try {
    ops = await startOpsServer({ port: config.OPS_PORT, host: config.OPS_HOST, registry, health: () => metrics.health(), logger });
    await verifyConnections([mysqlProbe(pool, mysql)], logger);
    await admin.connect();
    const { created } = await ensureTopic(admin, args.topic, { partitions: args.partitions, configEntries: eventsTopicConfig(config.RETENTION_EVENTS_TOPIC_HOURS) });
    if (created) logger.info({ topic: args.topic, partitions: args.partitions, retentionHours: config.RETENTION_EVENTS_TOPIC_HOURS }, 'topic created');
    await publisher.connect();
    const summary = await runRepublish({
      jobName,
      filter,
      restart: args.restart,
      reader: new RepublishReader(db, filter, { pageSize: args.batchSize, scanWindow: args.scanWindow }),
      jobs: new RepublishJobs(db as Kysely<RepublishDatabase>),
      publisher,
      rate: args.rate,
      backoff: { initialMs: 200, maxMs: 10_000, factor: 2 },
      progress: (total) => metrics.observe(total, new ProgressReporter(process.stderr, total, { label: 'republish', plainIntervalMs: 2_000 })),
      logger,
      stop: stop.signal,
    });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    if (summary.status === 'stopped') {
      process.stderr.write(`stopped at id ${summary.lastId} of ${summary.maxId}; run the same command to resume\n`);
      return stoppedBy === 'SIGTERM' ? 143 : 130;
    }
    if (summary.totalsMatch !== true) {
      process.stderr.write(`republish: ${summary.rowsPublished} rows published but MySQL counts ${summary.mysqlRows} for the filter\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    logger.error({ err: error, job: jobName }, 'republish failed');
    process.stderr.write(`republish failed: ${error instanceof Error ? error.message : String(error)}\nthe checkpoint covers only acknowledged rows: run the same command to resume\n`);
    return 1;
  } finally {
    await publisher.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await db.destroy().catch(() => {});
    await ops?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
