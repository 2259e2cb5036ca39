import { z } from 'zod';
import { commonSettings, opsPort } from '../../../shared/config/common-settings.js';
import { envInt, envString } from '../../../shared/config/env-types.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import { readEnvironment, type Environment } from '../../../shared/config/environment.js';
import { ConfigError } from '../../../shared/errors/config-error.js';
import { DEFAULT_EVENTS_TOPIC, DEFAULT_WEBHOOK_DLQ_TOPIC } from '../../../shared/kafka/topics.js';
import { retentionSettings } from '../../../shared/retention/retention-settings.js';
import { endpointOverrideBoundsOf, webhookSettings } from '../../../shared/webhooks/webhook-settings.js';

const DAY_MS = 86_400_000;

/** Every variable the dispatcher reads, with defaults for the local stack (services/webhook-dispatcher/README.md). */
export const dispatcherSettings = {
  ...commonSettings.mysql,
  ...commonSettings.kafka,
  ...commonSettings.redis,
  ...commonSettings.ops,
  ...opsPort(9104),
  ...webhookSettings,
  WEBHOOK_TOPIC: envString(DEFAULT_EVENTS_TOPIC),
  WEBHOOK_GROUP_ID: envString('authlog-webhook-dispatcher'),
  WEBHOOK_CLIENT_ID: envString('authlog-webhook-dispatcher'),
  /**
   * A group without committed offsets (first start, reset, new partition) starts at the creation of
   * the earliest enabled endpoint, but at most this far back (default: the settled markers' window,
   * so that such a re-read never sends a message twice).
   */
  WEBHOOK_START_LOOKBACK_MS: envInt(DAY_MS, { min: 0, max: 30 * DAY_MS }),
  /** How much earlier than that the group starts, for clock differences between MySQL and the relay. */
  WEBHOOK_START_CLOCK_MARGIN_MS: envInt(5_000, { min: 0, max: 600_000 }),
  WEBHOOK_DLQ_TOPIC: envString(DEFAULT_WEBHOOK_DLQ_TOPIC),
  WEBHOOK_DLQ_PARTITIONS: envInt(3, { min: 1, max: 1_000 }),
  /** retention.ms of the dead-letter topic when the dispatcher creates it (shared/retention; an existing topic keeps its own). */
  RETENTION_DLQ_TOPIC_DAYS: retentionSettings.RETENTION_DLQ_TOPIC_DAYS,
  /** How long start-up waits for the events topic to exist (the relay or an operator creates it). */
  WEBHOOK_TOPIC_WAIT_MS: envInt(60_000, { min: 0, max: 3_600_000 }),
  WEBHOOK_PARTITIONS_CONCURRENTLY: envInt(4, { min: 1, max: 64 }),
  /** A dispatcher that stops heartbeating loses its partitions after this long (the broker allows 6 s to 5 min). */
  WEBHOOK_SESSION_TIMEOUT_MS: envInt(30_000, { min: 6_000, max: 300_000 }),
  WEBHOOK_HEARTBEAT_INTERVAL_MS: envInt(3_000, { min: 100, max: 60_000 }),
  /** Kafka messages planned together (one endpoint lookup and one settled-marker check per chunk). */
  WEBHOOK_FANOUT_CHUNK: envInt(500, { min: 1, max: 10_000 }),
  /**
   * A first attempt (made in process by the partition's consumer) that has not answered this long
   * after its message was read is handed to BullMQ: a slow or hanging endpoint never holds a
   * partition's offset longer than this.
   */
  WEBHOOK_FIRST_ATTEMPT_DEADLINE_MS: envInt(2_000, { min: 100, max: 60_000 }),
  /**
   * Event-loop delay (90th percentile over a sweep, ms) from which the process counts as overloaded
   * (for WEBHOOK_OVERLOAD_DEADLINE_MS after the last such sweep): then an endpoint that still
   * answers is not handed off for being slow.
   */
  WEBHOOK_OVERLOAD_LAG_MS: envInt(50, { min: 5, max: 60_000 }),
  /**
   * While overloaded, how long an endpoint that still answers keeps a delivery in process before it
   * goes to BullMQ anyway (a hanging endpoint is handed off at WEBHOOK_FIRST_ATTEMPT_DEADLINE_MS).
   */
  WEBHOOK_OVERLOAD_DEADLINE_MS: envInt(8_000, { min: 100, max: 600_000 }),
  /** First attempts queued in process per endpoint; beyond it they go to BullMQ (queue_bound). */
  WEBHOOK_LANE_QUEUE_BOUND: envInt(1_000, { min: 1, max: 100_000 }),
  /** Uncommitted messages per partition (what a crash may re-send); at the bound the partition stops fetching. */
  WEBHOOK_TAIL_MAX_MESSAGES: envInt(5_000, { min: 1, max: 1_000_000 }),
  /** Age of the oldest unsettled message per partition at which the partition stops fetching. */
  WEBHOOK_TAIL_MAX_AGE_MS: envInt(10_000, { min: 100, max: 3_600_000 }),
  /**
   * First attempts open (queued or running) in this process at which the consumer stops taking
   * messages: it keeps the in-process backlog short enough to be sent within the deadline.
   */
  WEBHOOK_FIRST_ATTEMPT_BUDGET: envInt(1_000, { min: 1, max: 100_000 }),
  /** How often settled offsets are committed. */
  WEBHOOK_COMMIT_INTERVAL_MS: envInt(200, { min: 10, max: 60_000 }),
  /** Retries (BullMQ jobs) in flight in this process. */
  WEBHOOK_CONCURRENCY: envInt(100, { min: 1, max: 2_000 }),
  WEBHOOK_CONNECT_TIMEOUT_MS: envInt(5_000, { min: 100, max: 60_000 }),
  /** Whole attempt, connect to the last byte of the response excerpt (Svix: 15 s). */
  WEBHOOK_TIMEOUT_MS: envInt(15_000, { min: 100, max: 120_000 }),
  WEBHOOK_RESPONSE_EXCERPT_BYTES: envInt(1_024, { min: 0, max: 1_024 }),
  /** Larger webhook bodies are dead-lettered instead of sent. */
  WEBHOOK_MAX_BODY_BYTES: envInt(262_144, { min: 1_024, max: 5_000_000 }),
  WEBHOOK_CONNECTIONS_PER_ORIGIN: envInt(64, { min: 1, max: 1_024 }),
  /** An endpoint failing continuously for this long is disabled (Svix: about 5 days). */
  WEBHOOK_DISABLE_AFTER_MS: envInt(5 * DAY_MS, { min: 1, max: 90 * DAY_MS }),
  /** How long an endpoint stays cached when no change is announced. */
  WEBHOOK_ENDPOINT_CACHE_MS: envInt(5_000, { min: 0, max: 600_000 }),
  /** How long a delivered or failed message is remembered, so a Kafka replay does not send it again. */
  WEBHOOK_SETTLED_TTL_MS: envInt(DAY_MS, { min: 60_000, max: 30 * DAY_MS }),
  /** Longest time a job waits for its endpoint's concurrency or rate limit before checking again. */
  WEBHOOK_LIMITER_MAX_WAIT_MS: envInt(60_000, { min: 100, max: 3_600_000 }),
  /** BullMQ job lock (renewed while a job runs): jobs of a crashed dispatcher run again after about this long plus the stalled check. */
  WEBHOOK_LOCK_MS: envInt(30_000, { min: 1_000, max: 600_000 }),
  WEBHOOK_STALLED_INTERVAL_MS: envInt(30_000, { min: 1_000, max: 600_000 }),
  /** A job whose dispatcher died while delivering it this many times is recorded as failed (recoverable). */
  WEBHOOK_MAX_STALLED_COUNT: envInt(20, { min: 1, max: 1_000 }),
  /** Operational notices in flight in this process (its own BullMQ worker beside the deliveries'). */
  WEBHOOK_OPERATIONAL_CONCURRENCY: envInt(4, { min: 1, max: 100 }),
  /**
   * Per operational endpoint, across every dispatcher: notices at a time and per second. It gets
   * notices, not traffic, so the share of a modest endpoint; a burst (many endpoints disabled at
   * once) waits in the queue instead of flooding the customer's alerting.
   */
  WEBHOOK_OPERATIONAL_MAX_CONCURRENCY: envInt(2, { min: 1, max: 100 }),
  WEBHOOK_OPERATIONAL_RATE_PER_SECOND: envInt(10, { min: 1, max: 1_000 }),
  WEBHOOK_MYSQL_CONNECTIONS: envInt(10, { min: 2, max: 200 }),
} as const;

export type DispatcherSettings = Readonly<z.infer<z.ZodObject<typeof dispatcherSettings>>>;

export function loadDispatcherSettings(env: Environment = readEnvironment()): DispatcherSettings {
  if ((env['WEBHOOK_FROM_BEGINNING'] ?? '') !== '') {
    // Silently ignoring it would let an operator believe a new group replays the whole topic.
    throw new ConfigError('WEBHOOK_FROM_BEGINNING', 'was removed: a group without offsets now starts at the earliest enabled endpoint\'s creation (WEBHOOK_START_LOOKBACK_MS); unset it');
  }
  const settings = loadConfig(dispatcherSettings, env);
  if (settings.WEBHOOK_HEARTBEAT_INTERVAL_MS * 3 > settings.WEBHOOK_SESSION_TIMEOUT_MS) {
    throw new ConfigError('WEBHOOK_HEARTBEAT_INTERVAL_MS', `must be at most a third of WEBHOOK_SESSION_TIMEOUT_MS (${settings.WEBHOOK_SESSION_TIMEOUT_MS})`);
  }
  if (settings.WEBHOOK_CONNECT_TIMEOUT_MS > settings.WEBHOOK_TIMEOUT_MS) {
    throw new ConfigError('WEBHOOK_CONNECT_TIMEOUT_MS', `must not exceed WEBHOOK_TIMEOUT_MS (${settings.WEBHOOK_TIMEOUT_MS})`);
  }
  if (settings.WEBHOOK_FIRST_ATTEMPT_DEADLINE_MS >= settings.WEBHOOK_TAIL_MAX_AGE_MS) {
    throw new ConfigError('WEBHOOK_FIRST_ATTEMPT_DEADLINE_MS', `must be below WEBHOOK_TAIL_MAX_AGE_MS (${settings.WEBHOOK_TAIL_MAX_AGE_MS}): every delivery is settled or handed off within the deadline`);
  }
  endpointOverrideBoundsOf(settings);
  if (settings.WEBHOOK_OVERLOAD_DEADLINE_MS < settings.WEBHOOK_FIRST_ATTEMPT_DEADLINE_MS) {
    throw new ConfigError('WEBHOOK_OVERLOAD_DEADLINE_MS', `must be at least WEBHOOK_FIRST_ATTEMPT_DEADLINE_MS (${settings.WEBHOOK_FIRST_ATTEMPT_DEADLINE_MS})`);
  }
  return settings;
}
