import type { RedisOptions } from 'ioredis';
import type { RedisConnectionSettings } from '../config/connection-settings.js';

/** Host, port, database, ACL user, password and TLS of the Redis every webhook client uses. */
export interface RedisConnection {
  readonly options: RedisOptions;
  /** For messages: the URL without its password. */
  readonly display: string;
}

/**
 * Parses the URL ourselves rather than handing it to ioredis, where the URL's password would win
 * over AUTHLOG_REDIS_PASSWORD; the settings win here.
 */
export function redisConnection(settings: RedisConnectionSettings): RedisConnection {
  return redisConnectionOf(settings.AUTHLOG_REDIS_URL, {
    username: settings.AUTHLOG_REDIS_USERNAME,
    password: settings.AUTHLOG_REDIS_PASSWORD?.reveal(),
    ca: settings.AUTHLOG_REDIS_TLS_CA_FILE?.contents,
  });
}

export function redisConnectionOf(url: string, extra: { username?: string | undefined; password?: string | undefined; ca?: Buffer | undefined } = {}): RedisConnection {
  const parsed = new URL(url);
  const tls = parsed.protocol === 'rediss:';
  const username = extra.username ?? (parsed.username === '' ? undefined : decodeURIComponent(parsed.username));
  const password = extra.password ?? (parsed.password === '' ? undefined : decodeURIComponent(parsed.password));
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  parsed.password = parsed.password === '' ? '' : '***';
  return {
    options: {
      host: parsed.hostname.replace(/^\[|\]$/g, ''),
      port: parsed.port === '' ? 6379 : Number(parsed.port),
      db: Number.isInteger(db) ? db : 0,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(tls ? { tls: extra.ca === undefined ? {} : { ca: extra.ca } } : {}),
    },
    display: parsed.toString(),
  };
}
