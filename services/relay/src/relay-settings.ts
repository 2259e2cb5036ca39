import { z } from 'zod';
import { commonSettings, opsPort } from '../../../shared/config/common-settings.js';
import { envInt, envString } from '../../../shared/config/env-types.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import type { Environment } from '../../../shared/config/environment.js';
import { ConfigError } from '../../../shared/errors/config-error.js';
import { DEFAULT_EVENTS_TOPIC } from '../../../shared/kafka/topics.js';
import { retentionSettings } from '../../../shared/retention/retention-settings.js';

/** Every variable the relay reads, with defaults for the local stack (services/relay/README.md). */
export const relaySettings = {
  ...commonSettings.mysql,
  ...commonSettings.kafka,
  ...commonSettings.ops,
  ...opsPort(9102),
  /** Retention of the events topic when the relay creates it (shared/retention/retention-settings.ts; an existing topic keeps its own). */
  RETENTION_EVENTS_TOPIC_HOURS: retentionSettings.RETENTION_EVENTS_TOPIC_HOURS,
  RELAY_TOPIC: envString(DEFAULT_EVENTS_TOPIC),
  /** Used only when the relay creates the topic; an existing topic is left as it is. */
  RELAY_TOPIC_PARTITIONS: envInt(12, { min: 1, max: 10_000 }),
  RELAY_TOPIC_REPLICATION_FACTOR: envInt(1, { min: 1, max: 16 }),
  /** Rows read, published and deleted together. */
  RELAY_BATCH_SIZE: envInt(4000, { min: 1, max: 20_000 }),
  /** Upper bound of one Kafka produce request (keys, values and headers), below the broker's socket.request.max.bytes. */
  RELAY_MAX_REQUEST_BYTES: envInt(16_000_000, { min: 10_000, max: 100_000_000 }),
  /** Upper bound of one partition's share of a request (one record batch): below the topic's max.message.bytes (1 MB by default). */
  RELAY_MAX_PARTITION_BYTES: envInt(900_000, { min: 10_000, max: 100_000_000 }),
  RELAY_COMPRESSION: z.enum(['none', 'gzip'], { message: 'none or gzip' }).default('none'),
  /** Pause after a batch that was not full; doubles while polls come back empty, up to the max. */
  RELAY_POLL_MIN_MS: envInt(5, { min: 0, max: 60_000 }),
  RELAY_POLL_MAX_MS: envInt(100, { min: 1, max: 60_000 }),
  RELAY_LEASE_MS: envInt(5000, { min: 500, max: 600_000 }),
  RELAY_RENEW_INTERVAL_MS: envInt(1000, { min: 50, max: 300_000 }),
  /** 0: delete rows once Kafka acknowledged them; otherwise mark them and delete them this much later. */
  RELAY_RETENTION_SECONDS: envInt(0, { min: 0, max: 90 * 86_400 }),
  RELAY_CLEANUP_INTERVAL_MS: envInt(1000, { min: 10, max: 3_600_000 }),
  RELAY_CLEANUP_CHUNK: envInt(1000, { min: 1, max: 100_000 }),
  /** How often the backlog and oldest-row gauges are refreshed (each costs an index scan of the backlog). */
  RELAY_STATS_INTERVAL_MS: envInt(5000, { min: 100, max: 3_600_000 }),
  /** Name of this instance in leases and logs (e.g. the pod name); a random suffix makes each start unique. */
  RELAY_INSTANCE_NAME: envString('relay'),
  RELAY_MYSQL_CONNECTIONS: envInt(5, { min: 3, max: 100 }),
} as const;

export type RelaySettings = Readonly<z.infer<z.ZodObject<typeof relaySettings>>>;

/** Parses and cross-checks the settings; a bad combination names the variable like a bad value does. */
export function loadRelaySettings(env?: Environment): RelaySettings {
  const settings = loadConfig(relaySettings, env);
  if (settings.RELAY_RENEW_INTERVAL_MS * 3 > settings.RELAY_LEASE_MS) {
    throw new ConfigError('RELAY_RENEW_INTERVAL_MS', `must be at most a third of RELAY_LEASE_MS (${settings.RELAY_LEASE_MS}), so a lease survives two missed renewals`);
  }
  if (settings.RELAY_POLL_MIN_MS > settings.RELAY_POLL_MAX_MS) {
    throw new ConfigError('RELAY_POLL_MIN_MS', `must not exceed RELAY_POLL_MAX_MS (${settings.RELAY_POLL_MAX_MS})`);
  }
  if (settings.RELAY_INSTANCE_NAME.length > 96) throw new ConfigError('RELAY_INSTANCE_NAME', 'must be at most 96 characters');
  return settings;
}
