import type { ChildProcess } from 'node:child_process';

// Children still running when the test worker exits (a failed afterAll, a crash) are killed with
// it: a leaked service or broker would keep running and skew every later test and benchmark.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Registers a child to be killed if this process exits first; forgets it when it exits. */
export function reapOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}
