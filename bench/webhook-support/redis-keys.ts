import { Redis } from 'ioredis';
import { benchSettings } from '../support/bench-settings.js';

/** Deletes every key of a benchmark's namespace (`prefix:*`) from the stack's Redis. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(benchSettings.AUTHLOG_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
