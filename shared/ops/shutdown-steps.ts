import type { Logger } from '../log/logger.js';

/** One named step of a service's shutdown (stop a loop, close a client...). */
export type ShutdownStep = readonly [name: string, run: () => Promise<unknown>];

/**
 * Runs every step in order, even after one failed: each client left open would keep the process
 * alive past its drain deadline. A failed step is logged with its name; the first failure is
 * rethrown once all steps ran, so the runner exits non-zero.
 *
 * Every service's stop() is this, over its own list of steps, so one exit-code rule holds for all
 * (ServiceRunner): a drain on SIGTERM whose steps all succeed exits 0; a failed step or the
 * deadline exits 1; a service that failed exits 1, or 2 when a setting or credential was refused.
 * A step that may fail without harm (leases that expire on their own) handles that itself.
 */
export async function runShutdownSteps(steps: readonly ShutdownStep[], logger: Logger): Promise<void> {
  let first: unknown;
  for (const [name, run] of steps) {
    try {
      await run();
    } catch (error) {
      logger.error({ err: error, step: name }, 'shutdown step failed');
      first ??= error;
    }
  }
  if (first !== undefined) throw first;
}
