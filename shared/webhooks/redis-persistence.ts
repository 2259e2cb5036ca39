import type { Redis } from 'ioredis';
import { redactUrl } from '../log/logger.js';
import { RedisNotPersistentError } from './errors/redis-not-persistent-error.js';

/**
 * Refuses a Redis that would lose webhook jobs, saying why. Reads INFO rather than CONFIG GET, which
 * managed Redis services often rename or forbid:
 * - aof_enabled:1   without AOF a restart drops every queued, delayed and retrying delivery;
 * - maxmemory_policy:noeviction   any other policy lets Redis delete BullMQ's keys when memory is full.
 */
export async function assertPersistentRedis(redis: Redis, url: string): Promise<void> {
  const info = parseInfo(`${await redis.info('persistence')}\n${await redis.info('memory')}`);
  const problems: string[] = [];
  if (info.get('aof_enabled') !== '1') {
    problems.push(`appendonly is off (aof_enabled:${info.get('aof_enabled') ?? '?'}), so a restart would lose queued deliveries; run it with --appendonly yes`);
  }
  if (info.get('maxmemory_policy') !== 'noeviction') {
    problems.push(`maxmemory-policy is ${info.get('maxmemory_policy') ?? '?'}, so Redis may evict queued jobs; set --maxmemory-policy noeviction`);
  }
  if (problems.length > 0) throw new RedisNotPersistentError(redactUrl(url), problems);
}

function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}
