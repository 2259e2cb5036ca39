import type { z } from 'zod';
import { commonSettings, opsPort } from '../../../shared/config/common-settings.js';
import { envInt, envList, envString } from '../../../shared/config/env-types.js';
import type { Environment } from '../../../shared/config/environment.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import { DEFAULT_EVENTS_TOPIC, DEFAULT_INDEXER_DLQ_TOPIC, DEFAULT_WEBHOOK_DLQ_TOPIC } from '../../../shared/kafka/topics.js';
import { retentionSettings } from '../../../shared/retention/retention-settings.js';

/** Every variable the lifecycle service reads (services/lifecycle/README.md). */
export const lifecycleSettings = {
  ...commonSettings.mysql,
  ...commonSettings.kafka,
  ...commonSettings.elasticsearch,
  ...commonSettings.ops,
  ...opsPort(9109),
  ...retentionSettings,
  /** How often every job runs (each under its lock: one instance runs it). */
  LIFECYCLE_INTERVAL_MS: envInt(3_600_000, { min: 1_000, max: 86_400_000 }),
  /** The indexer's INDEXER_INDEX_PREFIX: whose monthly indices are pruned. */
  LIFECYCLE_INDEX_PREFIX: envString('authlog'),
  LIFECYCLE_EVENTS_TOPIC: envString(DEFAULT_EVENTS_TOPIC),
  /** Dead-letter topics whose retention is checked against RETENTION_DLQ_TOPIC_DAYS. */
  LIFECYCLE_DLQ_TOPICS: envList(`${DEFAULT_INDEXER_DLQ_TOPIC},${DEFAULT_WEBHOOK_DLQ_TOPIC}`),
  /** Rows per DELETE when pruning the webhook log, and the pause between two. */
  LIFECYCLE_WEBHOOK_CHUNK: envInt(1_000, { min: 1, max: 100_000 }),
  LIFECYCLE_WEBHOOK_PAUSE_MS: envInt(50, { min: 0, max: 60_000 }),
  LIFECYCLE_INSTANCE_NAME: envString('lifecycle'),
  /** Authlog months kept ready after the current one (partitions split off pmax). */
  LIFECYCLE_PARTITIONS_AHEAD: envInt(3, { min: 1, max: 24 }),
  /** Seconds a partition DDL may wait for authlog's metadata lock (writers queue behind it meanwhile). */
  LIFECYCLE_DDL_LOCK_WAIT_S: envInt(2, { min: 1, max: 60 }),
  /** The retry horizon: how long authlog_txid remembers a txid (a retry with a new timestamp after it is recorded again). */
  LIFECYCLE_TXID_HORIZON_DAYS: envInt(7, { min: 1, max: 365 }),
} as const;

export type LifecycleSettings = Readonly<z.infer<z.ZodObject<typeof lifecycleSettings>>>;

export function loadLifecycleSettings(env?: Environment): LifecycleSettings {
  return loadConfig(lifecycleSettings, env);
}
