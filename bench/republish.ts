import { randomBytes } from 'node:crypto';
import { Partitioners, type Kafka, type Message } from 'kafkajs';
import type { Kysely } from 'kysely';
import { createScratchDatabase } from '../testing/scratch-database.js';
import { mysqlConnection } from '../shared/db/mysql-connection.js';
import type { AuthEvent } from '../shared/event/auth-event.js';
import { parseAuthEvent } from '../shared/event/parse-auth-event.js';
import { createKafka } from '../shared/kafka/create-kafka.js';
import { kafkaConnection } from '../shared/kafka/kafka-connection.js';
import { silentLogger } from '../shared/log/logger.js';
import { AuthSimulator } from '../shared/simulation/auth-simulator.js';
import { RepublishReader } from '../services/republish/src/republish-reader.js';
import type { RepublishDatabase } from '../services/republish/src/republish-tables.js';
import { SpawnedProcess } from '../testing/spawned-process.js';
import { fillAuthlog } from './indexer-support/fill-authlog.js';
import type { Bench } from './support/bench-context.js';
import { benchSettings } from './support/bench-settings.js';
import { median, round } from './support/stats.js';

/**
 * republish: events/s from the Authlog to a new topic, 100,000 rows (30,000 with --quick) over
 * three months. Side by side, each round on fresh topics of 12 partitions:
 *   (a) bare producer: the same rows' messages, built beforehand, sent by an idempotent producer
 *       (acks=all, one request in flight, pages of 1,000 one after another): Kafka's ceiling for
 *       an ordered send;
 *   (b) subject: the built republish command, unthrottled (--rate 0), pages of 1,000, its own
 *       summary's seconds (reading MySQL, building messages, checkpoints included; process start not).
 * Two rounds; medians; the ratio is the subject against the bare producer.
 */
const PAGE = 1_000;
const REPUBLISH = 'dist/services/republish/src/main.js';

export const republish: Bench = async ({ quick, log }) => {
  const rows = quick ? 30_000 : 100_000;
  const rounds = 2;
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const scratch = await createScratchDatabase({ server: mysqlConnection(benchSettings), prefix: 'authlog_bench', connectionLimit: 4 });
  const kafka = createKafka({ clientId: 'bench-republish', connection: kafkaConnection(benchSettings), logger: silentLogger });
  const admin = kafka.admin();
  await admin.connect();
  const topics: string[] = [];
  const bare: number[] = [];
  const subject: number[] = [];
  try {
    log(`filling authlog with ${rows} rows`);
    const simulator = new AuthSimulator({ accounts: 200, usersPerAccount: 200, seed: 23, accountPrefix: 'bench_acct_' });
    const [from, to] = [new Date('2026-09-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')];
    for (let done = 0; done < rows; done += 10_000) {
      const chunk: AuthEvent[] = [];
      for (let n = 0; n < Math.min(10_000, rows - done); n += 1) chunk.push(parseAuthEvent(simulator.next(simulator.timestampBetween(from, to))));
      await fillAuthlog(scratch.db, chunk);
    }
    const filter = { from, to, accountId: null, topic: 'unused' };
    const reader = new RepublishReader(scratch.db as unknown as Kysely<RepublishDatabase>, filter, { pageSize: PAGE, scanWindow: 1_000_000_000 });
    const pages: Message[][] = [];
    for (let cursor = 0; ; ) {
      const page = await reader.next(cursor, Number.MAX_SAFE_INTEGER);
      if (page.messages.length === 0) break;
      pages.push([...page.messages]);
      cursor = page.cursor;
    }
    for (let n = 0; n < rounds; n += 1) {
      const bareTopic = `bench-republish-bare-${run}-${n}`;
      const subjectTopic = `bench-republish-${run}-${n}`;
      topics.push(bareTopic, subjectTopic);
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: bareTopic, numPartitions: 12 }] });
      bare.push(await bareRound(kafka, bareTopic, pages, rows));
      log(`round ${n + 1}: bare producer ${Math.round(bare.at(-1)!)} events/s`);
      subject.push(await subjectRound(scratch.url, subjectTopic, rows));
      log(`round ${n + 1}: republish ${Math.round(subject.at(-1)!)} events/s`);
    }
  } finally {
    const existing = await admin.listTopics().catch(() => [] as string[]);
    const mine = topics.filter((topic) => existing.includes(topic));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => {});
    await admin.disconnect();
    await scratch.drop();
  }
  return {
    rows,
    page_rows: PAGE,
    rounds,
    republish_events_per_s: round(median(subject)),
    bare_producer_events_per_s: round(median(bare)),
    ratio_to_bare: round(median(subject) / median(bare)),
    republish_runs: subject.map((rate) => Math.round(rate)).join(' '),
    bare_runs: bare.map((rate) => Math.round(rate)).join(' '),
  };
};

export default republish;

async function bareRound(kafka: Kafka, topic: string, pages: readonly Message[][], rows: number): Promise<number> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const started = performance.now();
    let sent = 0;
    for (const page of pages) {
      await producer.send({ topic, acks: -1, messages: page });
      sent += page.length;
    }
    if (sent !== rows) throw new Error(`bare producer sent ${sent} of ${rows}`);
    return rows / ((performance.now() - started) / 1000);
  } finally {
    await producer.disconnect();
  }
}

async function subjectRound(mysqlUrl: string, topic: string, rows: number): Promise<number> {
  const child = new SpawnedProcess(REPUBLISH, { AUTHLOG_MYSQL_URL: mysqlUrl, AUTHLOG_KAFKA_BROKERS: benchSettings.AUTHLOG_KAFKA_BROKERS.join(','), LOG_LEVEL: 'warn', OPS_PORT: '0' }, [
    '--from', '2026-09-01', '--to', '2026-12-01', '--topic', topic, '--rate', '0', '--batch-size', String(PAGE), '--scan-window', '1000000000', '--partitions', '12',
  ]);
  try {
    const { code } = await child.exited;
    const summary = JSON.parse(child.lines.at(-1) ?? '{}') as { status?: string; rowsPublished?: number; totalsMatch?: boolean; seconds?: number };
    if (code !== 0 || summary.status !== 'completed' || summary.rowsPublished !== rows || summary.totalsMatch !== true) throw new Error(`republish exited ${code}: ${child.lines.at(-1)} ${child.stderr.slice(-500)}`);
    return rows / (summary.seconds ?? Number.NaN);
  } finally {
    await child.kill();
  }
}
