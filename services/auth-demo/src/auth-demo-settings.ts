import type { z } from 'zod';
import { commonSettings, opsPort } from '../../../shared/config/common-settings.js';
import { envInt, envString } from '../../../shared/config/env-types.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import { httpServerSettings } from '../../../shared/http/server-timeouts.js';
import type { Environment } from '../../../shared/config/environment.js';

/** Every variable the demo auth service reads (services/auth-demo/README.md). */
export const authDemoSettings = {
  ...commonSettings.mysql,
  ...commonSettings.ops,
  ...opsPort(9101),
  ...httpServerSettings,
  AUTH_DEMO_PORT: envInt(7001, { min: 0, max: 65_535 }),
  AUTH_DEMO_HOST: envString('127.0.0.1'),
  /** Connections to MySQL: one per login in flight; beyond that logins queue for a connection. */
  AUTH_DEMO_MYSQL_CONNECTIONS: envInt(32, { min: 1, max: 500 }),
} as const;

export type AuthDemoSettings = Readonly<z.infer<z.ZodObject<typeof authDemoSettings>>>;

export const loadAuthDemoSettings = (env?: Environment): AuthDemoSettings => loadConfig(authDemoSettings, env);
