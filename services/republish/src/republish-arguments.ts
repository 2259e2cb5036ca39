import { parseArgs } from 'node:util';
import { checkJobName, dateArgument, integerArgument } from '../../../shared/cli/argument-values.js';

export interface RepublishArguments {
  readonly from: Date;
  readonly to: Date;
  readonly accountId: string | null;
  readonly topic: string;
  readonly job: string | null;
  readonly restart: boolean;
  readonly batchSize: number;
  readonly rate: number;
  readonly scanWindow: number;
  readonly partitions: number;
  readonly help: boolean;
}

export const REPUBLISH_USAGE = `usage: npm run republish -- --from <ISO> --to <ISO> --topic <topic> [--account <account_id>]
                        [--rate <events/s>] [--batch-size <rows>] [--job <name>] [--restart]
                        [--partitions <n>] [--scan-window <ids>]

Publishes the Authlog history (MySQL, the system of record) to a Kafka topic of your choice, for a
new consumer that needs the past: the same CloudEvents envelope, key (account) and ce_id (txid) as
the relay, in the same order per account. The live outbox and the events topic are not touched.

  --from/--to     occurred_at in [from, to), e.g. 2026-06-01 or 2026-06-01T00:00:00Z (required)
  --topic         target topic (required); created with --partitions and the events retention
                  (RETENTION_EVENTS_TOPIC_HOURS) if missing. Refuses the live events topic.
  --account       only this customer account
  --rate          at most this many events per second (default 5000; 0: unthrottled)
  --batch-size    rows read and sent together (default 1000)
  --job           checkpoint name (default: derived from the filter and topic, so re-running the
                  same command resumes where it stopped: table republish_jobs)
  --restart       forget the job's checkpoint and start over (consumers see the events again)
  --help, -h      this text

Progress on stderr; the last stdout line is a JSON summary whose totalsMatch says that the rows
published equal MySQL's count for the filter. Exit codes: 0 done, 1 failed (resumable), 2 bad
usage, 130/143 stopped by Ctrl-C/SIGTERM (resumable). Delivery is at-least-once: a resumed job may
repeat the last batch (same ce_id).
The database and brokers come from AUTHLOG_MYSQL_* and AUTHLOG_KAFKA_*.`;

/** Parses the command line; throws an Error whose message names the flag (exit code 2). */
export function parseRepublishArguments(argv: readonly string[]): RepublishArguments {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      account: { type: 'string' },
      topic: { type: 'string' },
      job: { type: 'string' },
      restart: { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: '1000' },
      rate: { type: 'string', default: '5000' },
      'scan-window': { type: 'string', default: '100000' },
      partitions: { type: 'string', default: '12' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return { help: true } as RepublishArguments;
  if (positionals.length > 0) throw new Error(`unexpected argument ${positionals[0]}`);
  const from = requiredDate('--from', values.from);
  const to = requiredDate('--to', values.to);
  if (from >= to) throw new Error('--from must be before --to');
  if (values.topic === undefined) throw new Error('--topic is required: the topic to publish to');
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(values.topic)) throw new Error(`--topic ${values.topic}: 1-249 characters of letters, digits and . _ -`);
  if (values.account !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(values.account)) throw new Error(`--account ${values.account}: not an account id`);
  checkJobName(values.job);
  return {
    from,
    to,
    accountId: values.account ?? null,
    topic: values.topic,
    job: values.job ?? null,
    restart: values.restart,
    batchSize: integerArgument('--batch-size', values['batch-size'], 1, 20_000),
    rate: integerArgument('--rate', values.rate, 0, 10_000_000),
    scanWindow: integerArgument('--scan-window', values['scan-window'], 1, 1_000_000_000),
    partitions: integerArgument('--partitions', values.partitions, 1, 10_000),
    help: false,
  };
}

function requiredDate(flag: string, value: string | undefined): Date {
  const parsed = dateArgument(flag, value);
  if (parsed === null) throw new Error(`${flag} is required`);
  return parsed;
}
