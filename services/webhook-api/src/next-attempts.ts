import type { Redis } from 'ioredis';
import { deliveryJobId, type DeliveryQueue } from '../../../shared/webhooks/delivery-queue.js';

export interface AwaitedMessage {
  readonly messageId: string;
  /** The recorded failure time, which names a recovery's job (`recover-<ms>`, delivery-requests.ts). */
  readonly failedAt: Date | null;
}

/**
 * When BullMQ will next try messages, read from its delayed set: a retry waiting out the schedule
 * (or a job parked by the endpoint's limiter) is there with its due time. BullMQ scores a delayed
 * job as `due ms * 0x1000 + counter` (commands/includes/getDelayedScore.lua). Only job ids this API
 * can name are looked at: an event's hand-off and a recovery; a replay's id is random, so a
 * replay's wait is not shown. One round trip per page.
 */
export class NextAttempts {
  /** `delayedKey`: the queue's delayed set (`DeliveryQueue.queue.keys.delayed`), on the queue's Redis. */
  constructor(
    private readonly redis: Redis,
    private readonly delayedKey: string,
  ) {}

  async of(endpointId: string, messages: readonly AwaitedMessage[]): Promise<Map<string, Date>> {
    const due = new Map<string, Date>();
    if (messages.length === 0) return due;
    const candidates = messages.flatMap((message) => [
      { messageId: message.messageId, jobId: deliveryJobId(message.messageId, endpointId) },
      ...(message.failedAt === null ? [] : [{ messageId: message.messageId, jobId: deliveryJobId(message.messageId, endpointId, `recover-${message.failedAt.getTime()}`) }]),
    ]);
    const pipeline = this.redis.pipeline();
    for (const candidate of candidates) pipeline.zscore(this.delayedKey, candidate.jobId);
    const results = (await pipeline.exec()) ?? [];
    candidates.forEach((candidate, index) => {
      const score = results[index]?.[1];
      if (typeof score !== 'string') return;
      const at = new Date(Math.floor(Number(score) / 0x1000));
      const known = due.get(candidate.messageId);
      if (known === undefined || at < known) due.set(candidate.messageId, at);
    });
    return due;
  }
}

/** The Redis key of the delivery queue's delayed set. */
export function delayedSetOf(queue: DeliveryQueue): string {
  const key = queue.queue.keys['delayed'];
  if (key === undefined) throw new Error('BullMQ queue without a delayed set key');
  return key;
}
