import type { z } from 'zod';
import { commonSettings, opsPort } from '../../../shared/config/common-settings.js';
import { envInt, envList, envString } from '../../../shared/config/env-types.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import { httpServerSettings } from '../../../shared/http/server-timeouts.js';
import type { Environment } from '../../../shared/config/environment.js';

/** Every variable the demo receiver reads (services/demo-receiver/README.md). */
export const demoReceiverSettings = {
  ...commonSettings.ops,
  ...opsPort(9108),
  ...httpServerSettings,
  RECEIVER_PORT: envInt(7008, { min: 0, max: 65_535 }),
  RECEIVER_HOST: envString('127.0.0.1'),
  /** Signing secrets (whsec_...) the receiver accepts; comma-separated during a rotation. */
  RECEIVER_SECRETS: envList(''),
  /** Accepted clock skew of webhook-timestamp, as Standard Webhooks receivers do. */
  RECEIVER_TOLERANCE_SECONDS: envInt(300, { min: 1, max: 86_400 }),
} as const;

export type DemoReceiverSettings = Readonly<z.infer<z.ZodObject<typeof demoReceiverSettings>>>;

export const loadDemoReceiverSettings = (env?: Environment): DemoReceiverSettings => loadConfig(demoReceiverSettings, env);
