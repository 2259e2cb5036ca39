import { parseArgs } from 'node:util';
import { checkJobName, dateArgument, integerArgument } from '../../../../shared/cli/argument-values.js';

export interface BackfillArguments {
  readonly from: Date | null;
  readonly to: Date | null;
  readonly accountId: string | null;
  readonly job: string | null;
  readonly restart: boolean;
  readonly batchSize: number;
  readonly maxInFlight: number;
  readonly maxRowsPerSecond: number;
  readonly scanWindow: number;
  readonly giveUpAfterMs: number;
}

export const BACKFILL_USAGE = `usage: backfill [--from <ISO time>] [--to <ISO time>] [--account <account_id>]
                [--job <name>] [--restart] [--batch-size <rows>] [--max-in-flight <bulks>]
                [--max-rows-per-second <rows>] [--scan-window <ids>] [--give-up-after-ms <ms>]
  --from/--to   occurred_at in [from, to)        --account  one customer account
  --job         checkpoint name (default: derived from the filter, so the same command resumes)
  --restart     forget the job's checkpoint and start over
  --help, -h    this text

Progress on stderr, a JSON summary as the last stdout line. Exit codes: 0 completed, 1 failed,
2 bad usage, 130/143 stopped by Ctrl-C/SIGTERM (run the same command to resume).`;

/** Parses the command line; throws an Error whose message says what is wrong (exit code 2). */
export function parseBackfillArguments(argv: readonly string[]): BackfillArguments {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      account: { type: 'string' },
      job: { type: 'string' },
      restart: { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: '1000' },
      'max-in-flight': { type: 'string', default: '2' },
      'max-rows-per-second': { type: 'string', default: '0' },
      'scan-window': { type: 'string', default: '100000' },
      'give-up-after-ms': { type: 'string', default: '600000' },
    },
  });
  if (positionals.length > 0) throw new Error(`unexpected argument ${positionals[0]}`);
  const from = dateArgument('--from', values.from);
  const to = dateArgument('--to', values.to);
  if (from !== null && to !== null && from >= to) throw new Error('--from must be before --to');
  checkJobName(values.job);
  return {
    from,
    to,
    accountId: values.account ?? null,
    job: values.job ?? null,
    restart: values.restart,
    batchSize: integerArgument('--batch-size', values['batch-size'], 1, 50_000),
    maxInFlight: integerArgument('--max-in-flight', values['max-in-flight'], 1, 16),
    maxRowsPerSecond: integerArgument('--max-rows-per-second', values['max-rows-per-second'], 0, 10_000_000),
    scanWindow: integerArgument('--scan-window', values['scan-window'], 1, 1_000_000_000),
    giveUpAfterMs: integerArgument('--give-up-after-ms', values['give-up-after-ms'], 1_000, 86_400_000),
  };
}


