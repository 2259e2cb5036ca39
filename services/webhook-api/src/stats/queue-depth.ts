import type { Redis } from 'ioredis';

export interface QueueDepth {
  readonly waiting: number;
  readonly delayed: number;
  /** False when the queue was longer than the scan bound: the counts are then lower bounds. */
  readonly exact: boolean;
}

/** Job ids looked at per request at most, over the wait list and the delayed set together. */
export const QUEUE_SCAN_LIMIT = 100_000;

/**
 * BullMQ jobs of one endpoint waiting for a worker or delayed (retries, parked by the limiter),
 * counted by the endpoint id inside the job ids (`<message>/<endpoint>[/<suffix>]`,
 * shared/webhooks/delivery-queue.ts). BullMQ keeps no per-endpoint index, so this reads the job ids
 * (ZSCAN of the delayed set, LRANGE of the wait list in chunks): O(queue length), bounded by
 * QUEUE_SCAN_LIMIT. Jobs being sent (active) are not counted.
 */
export async function queueDepth(redis: Redis, keys: { wait: string; delayed: string }, endpointId: string): Promise<QueueDepth> {
  const ofEndpoint = (jobId: string) => jobId.endsWith(`/${endpointId}`) || jobId.includes(`/${endpointId}/`);
  let scanned = 0;
  let delayed = 0;
  let cursor = '0';
  do {
    const [next, members] = await redis.zscan(keys.delayed, cursor, 'MATCH', `*/${endpointId}*`, 'COUNT', 1_000);
    cursor = next;
    scanned += 1_000;
    // ZSCAN answers member, score, member, score...
    for (let index = 0; index < members.length; index += 2) if (ofEndpoint(members[index] ?? '')) delayed += 1;
  } while (cursor !== '0' && scanned < QUEUE_SCAN_LIMIT);
  const delayedExact = cursor === '0';
  let waiting = 0;
  let start = 0;
  for (;;) {
    if (scanned >= QUEUE_SCAN_LIMIT) break;
    const ids = await redis.lrange(keys.wait, start, start + 999);
    waiting += ids.filter(ofEndpoint).length;
    scanned += ids.length;
    start += ids.length;
    if (ids.length < 1_000) return { waiting, delayed, exact: delayedExact };
  }
  return { waiting, delayed, exact: false };
}
