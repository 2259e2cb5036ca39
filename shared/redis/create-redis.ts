import { Redis, type RedisOptions } from 'ioredis';
import type { RedisConnection } from './redis-connection.js';

/**
 * An ioredis client for the connection (ACL user, password, TLS), with the caller's behaviour on
 * top (retries per request, auto-pipelining, BullMQ's `maxRetriesPerRequest: null`). Every Redis
 * client of the services is made here, so BullMQ's connections carry the same credentials.
 */
export function createRedis(connection: RedisConnection, options: RedisOptions = {}): Redis {
  return new Redis({ ...connection.options, ...options });
}
