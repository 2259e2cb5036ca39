import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Tests that spawn services run the compiled dist/ (as production does), so compile first: a stale
 * dist/ would test yesterday's code. Type errors are reported by `npm test`'s pretest build and by
 * `npm run typecheck`; here tsc still emits, so a type error elsewhere does not block a test run.
 */
export default function setup(): void {
  const root = resolve(import.meta.dirname, '..');
  const tsc = resolve(root, 'node_modules', '.bin', 'tsc');
  const result = spawnSync(tsc, ['-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) process.stderr.write(`[global-setup] tsc reported errors (dist/ emitted anyway):\n${result.stdout}${result.stderr}\n`);
}
