import type { z } from 'zod';
import { commonSettings, opsPort } from '../../../shared/config/common-settings.js';
import { envInt, envString } from '../../../shared/config/env-types.js';
import type { Environment } from '../../../shared/config/environment.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import { DEFAULT_EVENTS_TOPIC } from '../../../shared/kafka/topics.js';
import { retentionSettings } from '../../../shared/retention/retention-settings.js';

/** Every setting of `npm run republish` (the command line says what to publish; these say where from and how). */
export const republishSettings = {
  ...commonSettings.mysql,
  ...commonSettings.kafka,
  LOG_LEVEL: commonSettings.ops.LOG_LEVEL,
  /** /metrics and /healthz while a long republish runs (0: any free port). */
  ...opsPort(9111),
  RETENTION_EVENTS_TOPIC_HOURS: retentionSettings.RETENTION_EVENTS_TOPIC_HOURS,
  /** The live events topic, refused as a target: its consumers (webhooks!) would see history again. */
  RELAY_TOPIC: envString(DEFAULT_EVENTS_TOPIC),
  REPUBLISH_MAX_REQUEST_BYTES: envInt(16_000_000, { min: 10_000, max: 100_000_000 }),
} as const;

export type RepublishSettings = Readonly<z.infer<z.ZodObject<typeof republishSettings>>>;

export const loadRepublishSettings = (env?: Environment): RepublishSettings => loadConfig(republishSettings, env);
