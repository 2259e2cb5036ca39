import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Every command-line tool, as npm runs it (the compiled dist/, built by test/global-setup.ts). */
const TOOLS = [
  { name: 'migrate', main: 'dist/migrations/cli.js', usage: 'usage: npm run migrate' },
  { name: 'backfill', main: 'dist/services/indexer/src/backfill/main.js', usage: 'usage: backfill' },
  { name: 'replay', main: 'dist/services/indexer/src/replay/main.js', usage: 'usage: npm run replay' },
  { name: 'rotate-secrets-key', main: 'dist/scripts/rotate-secrets-key.js', usage: 'usage: npm run rotate-secrets-key' },
  { name: 'bench', main: 'dist/bench/run.js', usage: 'usage: npm run bench' },
  { name: 'schemas', main: 'dist/scripts/schemas.js', usage: 'usage: npm run schemas' },
  { name: 'openapi', main: 'dist/scripts/openapi.js', usage: 'usage: npm run openapi' },
  { name: 'republish', main: 'dist/services/republish/src/main.js', usage: 'usage: npm run republish' },
] as const;

// No settings at all in the environment: help and usage errors must not need a database or a broker.
function run(main: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [resolve(ROOT, main), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe.each(TOOLS)('$name on the command line', ({ name, main, usage }) => {
  it('answers --help and -h with its usage on stdout and exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const help = run(main, flag);
      expect(help.code, help.err).toBe(0);
      expect(help.out.startsWith(usage)).toBe(true);
      expect(help.err).toBe('');
    }
  });

  it('refuses an unknown option with exit 2, naming it, then the usage', () => {
    const bad = run(main, '--bogus');
    expect(bad.code).toBe(2);
    expect(bad.out).toBe('');
    expect(bad.err.split('\n')[0]).toBe(`${name}: Unknown option '--bogus'`);
    expect(bad.err).toContain(usage);
  });
});
