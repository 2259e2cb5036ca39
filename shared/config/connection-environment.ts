import { elasticsearchConnectionSettings, kafkaConnectionSettings, mysqlConnectionSettings, redisConnectionSettings } from './connection-settings.js';
import type { Environment } from './environment.js';

/** The connection settings of all four engines. */
export const allConnectionSettings = {
  ...mysqlConnectionSettings,
  ...kafkaConnectionSettings,
  ...elasticsearchConnectionSettings,
  ...redisConnectionSettings,
} as const;

/**
 * The connection variables set in `env` (and the `<NAME>_FILE` of each), to hand on to child
 * processes as they are: a launcher passes TLS, credentials and secret files through unread.
 */
export function connectionVariables(env: Environment): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of Object.keys(allConnectionSettings)) {
    for (const variable of [name, `${name}_FILE`]) {
      const value = env[variable];
      if (value !== undefined && value !== '') picked[variable] = value;
    }
  }
  return picked;
}
