import type { Redis } from 'ioredis';
import { redactUrl, type Logger } from '../log/logger.js';
import { RedisNotPersistentError } from './errors/redis-not-persistent-error.js';

/**
 * Refuses a Redis that would lose webhook jobs, saying why, and warns about one that could lose the
 * last writes on a crash. Reads INFO where it can (managed Redis services often rename or forbid
 * CONFIG):
 * - aof_enabled:1   without AOF a restart drops every queued, delayed and retrying delivery;
 * - maxmemory_policy:noeviction   any other policy lets Redis delete BullMQ's keys when memory is full;
 * - appendfsync (CONFIG GET; INFO does not show it): `no` leaves flushing to the OS, so a crash loses
 *   jobs whose Kafka offsets the fan-out already committed: refused. `everysec` can lose about the
 *   last 1-2 s of acknowledged writes on a host crash or power loss (or a Redis crash while fsync
 *   lags): accepted with a warning, because replication or a managed service may cover that, but
 *   `always` is what the stack and docker-compose run (services/webhook-dispatcher/README.md).
 * Returns the warnings, which are also logged when a logger is given.
 */
export async function assertPersistentRedis(redis: Redis, url: string, logger?: Logger): Promise<readonly string[]> {
  const info = parseInfo(`${await redis.info('persistence')}\n${await redis.info('memory')}`);
  const problems: string[] = [];
  const warnings: string[] = [];
  if (info.get('aof_enabled') !== '1') {
    problems.push(`appendonly is off (aof_enabled:${info.get('aof_enabled') ?? '?'}), so a restart would lose queued deliveries; run it with --appendonly yes`);
  }
  if (info.get('maxmemory_policy') !== 'noeviction') {
    problems.push(`maxmemory-policy is ${info.get('maxmemory_policy') ?? '?'}, so Redis may evict queued jobs; set --maxmemory-policy noeviction`);
  }
  const fsync = await appendFsync(redis);
  if (fsync instanceof Error) {
    warnings.push(`cannot read appendfsync (${fsync.message}); unless it is "always", a Redis crash can lose jobs whose Kafka offsets are committed`);
  } else if (fsync === 'no') {
    problems.push('appendfsync is no, so a crash loses jobs whose Kafka offsets are already committed; set --appendfsync always');
  } else if (fsync !== 'always') {
    warnings.push(`appendfsync is ${fsync}: a host crash (or a Redis crash while fsync lags) can lose the last 1-2 s of queued jobs whose Kafka offsets are committed; set --appendfsync always unless replication covers it`);
  }
  if (problems.length > 0) throw new RedisNotPersistentError(redactUrl(url), problems);
  for (const warning of warnings) logger?.warn({ redis: redactUrl(url) }, warning);
  return warnings;
}

async function appendFsync(redis: Redis): Promise<string | Error> {
  try {
    const reply = (await redis.config('GET', 'appendfsync')) as unknown;
    const value = Array.isArray(reply) ? reply[1] : undefined;
    return typeof value === 'string' ? value : new Error('CONFIG GET appendfsync gave no value');
  } catch (error) {
    // CONFIG renamed, forbidden by an ACL or by a managed service.
    return error instanceof Error ? error : new Error(String(error));
  }
}

function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}
