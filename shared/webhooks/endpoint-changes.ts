import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';

export interface EndpointChange {
  readonly accountId: string;
  readonly endpointId: string;
}

export function endpointChangesChannel(prefix: string): string {
  return `${prefix}:webhooks:endpoint-changes`;
}

/**
 * Tells every dispatcher instance that an endpoint changed (created, updated, disabled, deleted,
 * secret rotated), so it drops its cached copy at once. Pub/sub is fire-and-forget: a dispatcher
 * that was disconnected misses the notice, so caches also expire on their own after a few seconds.
 */
export class EndpointChangePublisher {
  constructor(
    private readonly redis: Redis,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {}

  async publish(change: EndpointChange): Promise<void> {
    try {
      await this.redis.publish(this.channel, JSON.stringify(change));
    } catch (error) {
      // The change is in MySQL already; caches catch up when their entries expire.
      this.logger.warn({ err: error, ...change }, 'could not announce an endpoint change; dispatchers see it when their cache expires');
    }
  }
}

/** Subscribes a dedicated connection (a subscribed Redis connection can do nothing else). */
export async function subscribeEndpointChanges(
  subscriber: Redis,
  channel: string,
  onChange: (change: EndpointChange) => void,
  logger: Logger,
): Promise<void> {
  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    try {
      const change = JSON.parse(text) as EndpointChange;
      if (typeof change.accountId === 'string' && typeof change.endpointId === 'string') onChange(change);
    } catch (error) {
      logger.warn({ err: error, channel }, 'ignored a malformed endpoint change notice');
    }
  });
  // Subscribed again on every later 'ready' here, not by ioredis: its own resubscription has no
  // catch, so a connection closed while it runs (a shutdown during a reconnect) would be an
  // unhandled rejection, which ends the process. A change missed while away: the cache's TTL.
  subscriber.options.autoResubscribe = false;
  subscriber.on('ready', () => {
    subscriber.subscribe(channel).catch((error: unknown) => logger.warn({ err: error, channel }, 'could not subscribe to endpoint changes again; dispatchers see them when their cache expires'));
  });
  await subscriber.subscribe(channel);
}
