import type { Redis } from 'ioredis';
import type { Logger } from '../../../shared/log/logger.js';
import { createRedis } from '../../../shared/redis/create-redis.js';
import type { RedisConnection } from '../../../shared/redis/redis-connection.js';

/**
 * The reports' Redis client: answers fast or not at all. Rate limits fail open and download links
 * fail closed when Redis is away, and neither may hold a request while ioredis retries for seconds.
 */
export function reportsRedis(connection: RedisConnection, logger: Logger): Redis {
  const redis = createRedis(connection, { maxRetriesPerRequest: 1, commandTimeout: 1_000, enableOfflineQueue: false });
  redis.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  return redis;
}
