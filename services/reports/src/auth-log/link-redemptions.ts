import type { Redis } from 'ioredis';
import { HttpProblem } from '../../../../shared/http/http-problem.js';

/**
 * Spends download links: the first use of a link id wins, on any instance (SET NX in Redis, kept
 * until the link would have expired anyway). Unlike the rate limiter this fails closed: without
 * Redis a link cannot be proven unused, so the download answers 503 and can be retried.
 */
export class LinkRedemptions {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time `linkId` is redeemed, false ever after. */
  async redeem(linkId: string, expiresAtMs: number): Promise<boolean> {
    const keepMs = Math.max(1_000, expiresAtMs - this.now() + 1_000);
    try {
      return (await this.redis.set(`${this.prefix}:export-link:${linkId}`, '1', 'PX', keepMs, 'NX')) === 'OK';
    } catch (error) {
      throw new HttpProblem(503, 'UNAVAILABLE', 'downloads are temporarily unavailable; try the link again shortly', { headers: { 'retry-after': '5' }, cause: error });
    }
  }
}
