import { z } from 'zod';
import { commonSettings, opsPort } from '../../../shared/config/common-settings.js';
import { envBool, envInt, envString, envUrl } from '../../../shared/config/env-types.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import type { Environment } from '../../../shared/config/environment.js';

/** Every variable the traffic generator reads (services/traffic-generator/README.md). */
export const trafficGeneratorSettings = {
  ...commonSettings.ops,
  ...opsPort(9107),
  TRAFFIC_TARGET_URL: envUrl('http://127.0.0.1:7001', ['http', 'https']),
  /** Logins per second at the busiest hour; the daily rhythm scales it down at night. */
  TRAFFIC_RATE: envInt(20, { min: 1, max: 100_000 }),
  /** Follow a working-day rhythm by the hour of the day (false: a flat rate). */
  TRAFFIC_RHYTHM: envBool(true),
  TRAFFIC_ACCOUNTS: envInt(20, { min: 1, max: 100_000 }),
  TRAFFIC_USERS_PER_ACCOUNT: envInt(200, { min: 1, max: 1_000_000 }),
  TRAFFIC_ACCOUNT_PREFIX: envString('acct_'),
  TRAFFIC_CONCURRENCY: envInt(16, { min: 1, max: 1000 }),
  /** Share of logins the auth service is asked to roll back after recording (fault injection). */
  TRAFFIC_ROLLBACK_RATIO: z.coerce.number({ message: 'a number between 0 and 1' }).min(0, { message: 'a number between 0 and 1' }).max(1, { message: 'a number between 0 and 1' }).default(0),
  /** Stop after this many logins (0: run until stopped). */
  TRAFFIC_LIMIT: envInt(0, { min: 0 }),
  /** Same seed, same logins (txids included): 0 picks a new seed each start, so a restart never repeats txids. */
  TRAFFIC_SEED: envInt(0, { min: 0 }),
} as const;

export type TrafficGeneratorSettings = Readonly<z.infer<z.ZodObject<typeof trafficGeneratorSettings>>>;

export const loadTrafficGeneratorSettings = (env?: Environment): TrafficGeneratorSettings => loadConfig(trafficGeneratorSettings, env);
