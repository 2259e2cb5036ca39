import { createRequire } from 'node:module';

/** The one kafkajs release whose request queue this patch was written against and tested with. */
export const PATCHED_KAFKAJS_VERSION = '2.2.4';

/** Same value as kafkajs' CHECK_PENDING_REQUESTS_INTERVAL (not exported by it). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

const PATCHED = Symbol.for('authlog.kafkajs-request-queue-patched');

/** The fields of kafkajs' RequestQueue that scheduleCheckPendingRequests reads and writes. */
interface RequestQueueState {
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

type RequestQueueClass = { prototype: RequestQueueState & { [PATCHED]?: true } };

/**
 * Fixes kafkajs issue 1751 at its source. In kafkajs 2.2.4, RequestQueue.scheduleCheckPendingRequests
 * computes `throttledUntil - Date.now()`, which with no throttle in force is `-1 - now`, a large
 * negative number, and passes it to setTimeout even when no request is waiting. Node 24 prints a
 * TimeoutNegativeWarning for it and clamps it to 1 ms; the timer then calls checkPendingRequests,
 * which schedules the next one: every broker connection wakes up about 1,000 times a second for
 * nothing while it lives (measured: ~900 wake-ups/s and ~5% of a core for one idle admin client).
 *
 * The replacement keeps kafkajs' rule for a non-empty queue (wait out the throttle, else re-check in
 * 10 ms) and schedules nothing when the queue is empty: push() schedules a check whenever it
 * enqueues, and fulfillRequest() and request timeouts check the queue themselves, so nothing waits
 * on the idle timer. Applied only to the exact version it was written for: another version is left
 * untouched and reported, so an upgrade is looked at rather than silently patched. Idempotent.
 * Warnings of any other kind are not touched (no process 'warning' listener).
 */
export function patchKafkajsRequestQueue(): { readonly patched: boolean; readonly version: string } {
  const require = createRequire(import.meta.url);
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== PATCHED_KAFKAJS_VERSION) return { patched: false, version };
  // The module instance kafkajs' connections load (same resolved file, same require cache).
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as RequestQueueClass;
  const prototype = RequestQueue.prototype;
  if (prototype[PATCHED] === true) return { patched: true, version };
  prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueState): void {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const untilThrottleEnds = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilThrottleEnds > 0 ? untilThrottleEnds : CHECK_PENDING_REQUESTS_INTERVAL_MS,
    );
  };
  prototype[PATCHED] = true;
  return { patched: true, version };
}
