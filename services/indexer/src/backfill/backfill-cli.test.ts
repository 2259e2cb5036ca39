import { describe, expect, it } from 'vitest';
import { parseBackfillArguments } from './backfill-arguments.js';
import { defaultJobName, filterJson } from './backfill-filter.js';
import { formatDuration, ProgressReporter, renderProgress } from './progress-reporter.js';

describe('backfill command line', () => {
  it('parses filters and limits, and names the job after the filter so the same command resumes it', () => {
    const args = parseBackfillArguments(['--from', '2026-10-01', '--to', '2026-11-01T00:00:00Z', '--account', 'acct_1', '--batch-size', '500']);
    expect(args).toMatchObject({ accountId: 'acct_1', batchSize: 500, maxInFlight: 2, maxRowsPerSecond: 0, restart: false });
    const filter = { from: args.from, to: args.to, accountId: args.accountId, indexPrefix: 'authlog' };
    expect(defaultJobName(filter)).toBe('backfill:authlog:account=acct_1:from=2026-10-01T00:00:00.000Z:to=2026-11-01T00:00:00.000Z');
    expect(JSON.parse(filterJson(filter))).toEqual({ from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z', accountId: 'acct_1', indexPrefix: 'authlog' });
  });

  it('refuses what it cannot honour, naming the flag', () => {
    expect(() => parseBackfillArguments(['--from', '2026-10-01T00:00:00'])).toThrow(/--from/);
    expect(() => parseBackfillArguments(['--from', '2026-11-01', '--to', '2026-10-01'])).toThrow(/before --to/);
    expect(() => parseBackfillArguments(['--batch-size', '0'])).toThrow(/--batch-size/);
    expect(() => parseBackfillArguments(['--bogus'])).toThrow();
  });
});

describe('progress bar', () => {
  it('renders percent, rows, rows/s and ETA from the recent pace', () => {
    let now = 0;
    const output: string[] = [];
    const reporter = new ProgressReporter({ isTTY: false, write: (text: string) => output.push(text) }, 1_000, { now: () => now, plainIntervalMs: 0 });
    reporter.update(0, 0);
    now = 2_000;
    reporter.update(200, 180);
    expect(reporter.figures()).toEqual({ fraction: 0.2, rows: 180, rowsPerSecond: 90, etaSeconds: 8, note: null });
    expect(output.at(-1)).toBe('backfill  20.0%  180 rows  90 rows/s  ETA 8s\n');
  });

  it('redraws in place on a terminal and ends the line when finished', () => {
    const output: string[] = [];
    const reporter = new ProgressReporter({ isTTY: true, columns: 100, write: (text: string) => output.push(text) }, 10, { now: () => 0 });
    reporter.update(5, 5);
    reporter.note('Elasticsearch failing');
    reporter.finish();
    expect(output[0]).toMatch(/^\r\x1b\[K\[#{15}-{15}\]  50\.0%/);
    expect(output.at(-2)).toMatch(/Elasticsearch failing$/);
    expect(output.at(-1)).toBe('\n');
    expect(renderProgress({ fraction: 1, rows: 1_234_567, rowsPerSecond: 9_876.4, etaSeconds: 0, note: null }, 4)).toBe('[####] 100.0%  1,234,567 rows  9,876 rows/s  ETA 0s');
  });

  it('formats durations compactly', () => {
    expect([45, 192, 7_500, 273_600].map(formatDuration)).toEqual(['45s', '3m12s', '2h05m', '3d04h']);
  });
});
