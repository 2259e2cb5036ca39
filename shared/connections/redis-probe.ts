import { createRedis } from '../redis/create-redis.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { ConnectionRejectedError } from './connection-rejected-error.js';
import type { ConnectionProbe } from './connection-probe.js';
import { certificateProblem, errorChain } from './tls-failure.js';

export function redisProbe(connection: RedisConnection): ConnectionProbe {
  return {
    engine: 'redis',
    run: async () => {
      // A client of its own that gives up at once: the services' clients reconnect forever.
      const client = createRedis(connection, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5_000 });
      // ioredis reports the reason (WRONGPASS, a certificate) as an 'error' event and rejects
      // connect() with a bare "Connection is closed"; the event's error is the one to explain.
      let reported: unknown;
      client.on('error', (error) => {
        reported ??= error;
      });
      try {
        await client.connect();
        await client.ping();
      } catch (error) {
        throw reported ?? error;
      } finally {
        client.disconnect();
      }
    },
    explain: (error) => {
      const certificate = certificateProblem(error);
      if (certificate !== undefined) return new ConnectionRejectedError('redis', 'AUTHLOG_REDIS_TLS_CA_FILE', certificate, { cause: error });
      for (const link of errorChain(error)) {
        const message = String((link as { message?: unknown }).message ?? '');
        if (/WRONGPASS|invalid username-password|invalid password/i.test(message)) {
          return new ConnectionRejectedError('redis', 'AUTHLOG_REDIS_PASSWORD', `the user name or password was not accepted (user "${connection.options.username ?? 'default'}")`, { cause: error });
        }
        if (/NOAUTH/i.test(message)) return new ConnectionRejectedError('redis', 'AUTHLOG_REDIS_PASSWORD', 'the server requires a password and none is set', { cause: error });
        if (/called without any password configured/i.test(message)) {
          return new ConnectionRejectedError('redis', 'AUTHLOG_REDIS_PASSWORD', 'a password is set but the server has none configured for this user', { cause: error });
        }
      }
      return undefined;
    },
  };
}
