import type { z } from 'zod';
import { commonSettings } from '../../shared/config/common-settings.js';
import { envInt, envString } from '../../shared/config/env-types.js';
import { loadConfig } from '../../shared/config/load-config.js';

/** What `npm start` reads: the stack's URLs (scripts/stack env) and the demo's size. */
export const pipelineSettings = {
  ...commonSettings.mysql,
  ...commonSettings.kafka,
  ...commonSettings.elasticsearch,
  ...commonSettings.redis,
  LOG_LEVEL: commonSettings.ops.LOG_LEVEL,
  /** Logins per second at the busiest hour of the simulated day. */
  TRAFFIC_RATE: envInt(20, { min: 0, max: 100_000 }),
  TRAFFIC_ACCOUNTS: envInt(20, { min: 1, max: 10_000 }),
  /** Where process logs and demo credentials go. */
  PIPELINE_RUN_DIR: envString('.stack/pipeline'),
} as const;

export type PipelineSettings = Readonly<z.infer<z.ZodObject<typeof pipelineSettings>>>;

export const loadPipelineSettings = (): PipelineSettings => loadConfig(pipelineSettings);

/** Ports of the local pipeline (each service's own default). */
export const PORTS = {
  authDemo: 7001,
  webhookApi: 7005,
  reports: 7006,
  receiver: 7008,
  ops: { authDemo: 9101, relay: 9102, indexer: 9103, dispatcher: 9104, webhookApi: 9105, reports: 9106, traffic: 9107, receiver: 9108 },
} as const;
