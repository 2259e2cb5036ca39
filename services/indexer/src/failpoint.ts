import type { Logger } from '../../../shared/log/logger.js';
import type { Failpoint } from './indexer-settings.js';

/** The log message a test waits for before it kills the process (see test/indexer/crash.test.ts). */
export const FAILPOINT_REACHED = 'FAILPOINT reached';

/**
 * Test-only hook at a precise point of the indexer: after a bulk succeeded, before its offsets are
 * committed. `hang-after-first-bulk` logs FAILPOINT_REACHED and never returns, so a test can
 * `kill -9` the process exactly in the window where a crash must not lose or duplicate anything.
 * With `none` (production) it is a no-op.
 */
export function createFailpoint(failpoint: Failpoint, logger: Logger): () => Promise<void> {
  if (failpoint === 'none') return async () => {};
  let reached = false;
  return async () => {
    if (reached) return new Promise<void>(() => {});
    reached = true;
    logger.warn({ failpoint }, `${FAILPOINT_REACHED}: ${failpoint} (bulk indexed, offsets not committed)`);
    return new Promise<void>(() => {});
  };
}
