import { z } from 'zod';
import { commonSettings, opsPort } from '../../../shared/config/common-settings.js';
import { envInt, envString } from '../../../shared/config/env-types.js';
import type { Environment } from '../../../shared/config/environment.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import { DEFAULT_EVENTS_TOPIC, DEFAULT_INDEXER_DLQ_TOPIC } from '../../../shared/kafka/topics.js';
import { retentionSettings } from '../../../shared/retention/retention-settings.js';

/** Elasticsearch time units for index settings: "1s", "500ms", "30s", or -1 (refresh off). */
const refreshInterval = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((value) => /^(-1|\d+(ms|s|m|h))$/.test(value), { message: 'an Elasticsearch time value such as 1s, 500ms, 30s or -1' });

/** Test-only hooks; production leaves it at "none". See failpoint.ts. */
export const FAILPOINTS = ['none', 'hang-after-first-bulk'] as const;
export type Failpoint = (typeof FAILPOINTS)[number];

/** Settings read only by the indexer and the backfill (Elasticsearch side). */
export const indexSettings = {
  /** Index names are `<prefix>-events-YYYY.MM` behind the alias `<prefix>-events`. */
  INDEXER_INDEX_PREFIX: envString('authlog'),
  INDEXER_REFRESH_INTERVAL: refreshInterval('1s'),
  INDEXER_INDEX_SHARDS: envInt(1, { min: 1, max: 64 }),
  INDEXER_INDEX_REPLICAS: envInt(0, { min: 0, max: 8 }),
  /** Timeout of one _bulk request; a timeout is retried like a 5xx (same _ids, so no duplicates). */
  INDEXER_BULK_TIMEOUT_MS: envInt(30_000, { min: 100, max: 600_000 }),
  INDEXER_RETRY_INITIAL_MS: envInt(200, { min: 1, max: 60_000 }),
  INDEXER_RETRY_MAX_MS: envInt(10_000, { min: 1, max: 600_000 }),
  /** A document (JSON bytes) larger than this is dead-lettered instead of sent. */
  INDEXER_MAX_DOCUMENT_BYTES: envInt(1_048_576, { min: 1_024, max: 50_000_000 }),
} as const;

/** Every setting of the indexer service. */
export const indexerSettings = {
  ...commonSettings.kafka,
  ...commonSettings.elasticsearch,
  ...commonSettings.ops,
  ...opsPort(9103),
  ...indexSettings,
  INDEXER_TOPIC: envString(DEFAULT_EVENTS_TOPIC),
  INDEXER_GROUP_ID: envString('authlog-indexer'),
  INDEXER_CLIENT_ID: envString('authlog-indexer'),
  INDEXER_DLQ_TOPIC: envString(DEFAULT_INDEXER_DLQ_TOPIC),
  /** Partitions of the dead-letter topic when the indexer has to create it. */
  INDEXER_DLQ_PARTITIONS: envInt(3, { min: 1, max: 1_000 }),
  /** retention.ms of the dead-letter topic when the indexer creates it (shared/retention; an existing topic keeps its own). */
  RETENTION_DLQ_TOPIC_DAYS: retentionSettings.RETENTION_DLQ_TOPIC_DAYS,
  /** How long start-up waits for the events topic to exist (the relay or an operator creates it). */
  INDEXER_TOPIC_WAIT_MS: envInt(60_000, { min: 0, max: 3_600_000 }),
  /** A bulk is sent when it holds this many documents... */
  INDEXER_BATCH_MAX_DOCS: envInt(1_000, { min: 1, max: 100_000 }),
  /** ...or this many bytes of NDJSON... */
  INDEXER_BATCH_MAX_BYTES: envInt(5_242_880, { min: 1_024, max: 100_000_000 }),
  /** ...or when its oldest document has waited this long. */
  INDEXER_BATCH_LINGER_MS: envInt(100, { min: 0, max: 60_000 }),
  /**
   * Bulks in flight at once; offsets are still committed in order. More than Elasticsearch's write
   * threads (one per core), so the next bulk already waits in its queue when a thread frees up:
   * with 2 on a 2-core node, each thread idled for a round trip per bulk (indexer-throughput: 4
   * gave ~10% more docs/s and slightly less Elasticsearch CPU per document than 2).
   */
  INDEXER_MAX_IN_FLIGHT_BULKS: envInt(4, { min: 1, max: 16 }),
  INDEXER_SESSION_TIMEOUT_MS: envInt(30_000, { min: 6_000, max: 300_000 }),
  INDEXER_HEARTBEAT_INTERVAL_MS: envInt(3_000, { min: 100, max: 60_000 }),
  INDEXER_MAX_BYTES_PER_PARTITION: envInt(1_048_576, { min: 1_024, max: 100_000_000 }),
  /** Longest a fetch waits for new messages; also bounds how long SIGTERM waits for an idle fetch. */
  INDEXER_FETCH_MAX_WAIT_MS: envInt(1_000, { min: 10, max: 30_000 }),
  /** How often consumer lag per partition is computed for /metrics. */
  INDEXER_LAG_INTERVAL_MS: envInt(10_000, { min: 100, max: 600_000 }),
  /** Test-only (see README): never set in production. */
  INDEXER_TEST_FAILPOINT: z.enum(FAILPOINTS, { message: `one of ${FAILPOINTS.join(', ')}` }).default('none'),
} as const;

export type IndexerSettings = Readonly<z.infer<z.ZodObject<typeof indexerSettings>>>;

export const loadIndexerSettings = (env?: Environment): IndexerSettings => loadConfig(indexerSettings, env);
