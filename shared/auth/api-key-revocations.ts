import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import type { RevocationNotifier } from './api-key-management.js';
import type { ApiKeyStore } from './api-key-store.js';

const KEY_ID = /^[A-Za-z0-9]{16}$/;

/**
 * Announces a revoked key id on Redis pub/sub. The revocation is in MySQL already when this runs;
 * a notice that cannot be sent is logged, and other instances then stop trusting the key when its
 * cached row expires (the API's key cache setting, 30 s by default).
 */
export class RedisRevocationNotifier implements RevocationNotifier {
  constructor(
    private readonly redis: Redis,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {}

  async announce(keyId: string): Promise<void> {
    try {
      await this.redis.publish(this.channel, keyId);
    } catch (error) {
      this.logger.warn({ err: error, keyId }, 'could not announce an API key revocation; other instances refuse the key when their cache expires');
    }
  }
}

/**
 * Follows revocations on a dedicated connection (a subscribed Redis connection can do nothing
 * else) and drops each revoked key from `store`'s cache. Pub/sub delivers nothing that was sent
 * while a subscriber was away, so while the connection is down the store trusts cached keys only
 * briefly, and once subscribed again it forgets every cached key. Resolves when first subscribed,
 * or after `waitMs` (Redis away at start: the store stays in its brief-trust mode until it is back).
 */
export async function followRevocations(subscriber: Redis, channel: string, store: ApiKeyStore, logger: Logger, waitMs = 5_000): Promise<void> {
  store.feedConnected(false);
  // Subscribed again on every 'ready' below (and told when it worked). ioredis' own resubscription
  // has no catch: a connection closed while it runs (a shutdown during a reconnect) would be an
  // unhandled rejection, which ends the process.
  subscriber.options.autoResubscribe = false;
  subscriber.on('error', (error) => logger.debug({ err: error }, 'revocation feed: redis connection error'));
  subscriber.on('message', (from: string, text: string) => {
    if (from === channel && KEY_ID.test(text)) store.forget(text);
  });
  subscriber.on('close', () => store.feedConnected(false));
  let first: () => void = () => undefined;
  const subscribed = new Promise<void>((resolve) => (first = resolve));
  const subscribe = async () => {
    try {
      // Answered only once Redis has the subscription: notices from then on reach us.
      await subscriber.subscribe(channel);
      store.forgetAll();
      store.feedConnected(true);
      first();
    } catch (error) {
      logger.warn({ err: error, channel }, 'revocation feed: could not subscribe; cached API keys are trusted briefly until it can');
    }
  };
  subscriber.on('ready', () => void subscribe());
  if (subscriber.status === 'ready') void subscribe();
  // A lazy connection (the services make it so, to have the listeners above on first) connects now;
  // a failure is reported by the 'error' listener and retried by ioredis.
  if (subscriber.status === 'wait') subscriber.connect().catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([subscribed, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
  clearTimeout(timer);
}
