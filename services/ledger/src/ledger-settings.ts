import { z } from 'zod';
import { commonSettings, opsPort } from '../../../shared/config/common-settings.js';
import { envInt, envString } from '../../../shared/config/env-types.js';
import type { Environment } from '../../../shared/config/environment.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import { webhookSettings } from '../../../shared/webhooks/webhook-settings.js';

/** Every setting of the ledger job (README.md explains each). */
export const ledgerSettings = {
  ...commonSettings.mysql,
  ...commonSettings.elasticsearch,
  ...commonSettings.redis,
  ...commonSettings.ops,
  ...opsPort(9110),
  /** The dispatcher's queue: repairs enqueue there, with the same retry schedule. */
  WEBHOOK_REDIS_PREFIX: webhookSettings.WEBHOOK_REDIS_PREFIX,
  WEBHOOK_QUEUE: webhookSettings.WEBHOOK_QUEUE,
  WEBHOOK_RETRY_SCHEDULE: webhookSettings.WEBHOOK_RETRY_SCHEDULE,
  WEBHOOK_RETRY_JITTER_PERCENT: webhookSettings.WEBHOOK_RETRY_JITTER_PERCENT,
  /** The indexer's INDEXER_INDEX_PREFIX: the ledger counts and repairs `<prefix>-events`. */
  LEDGER_INDEX_PREFIX: envString('authlog'),
  /** An hour is closed (filled) once its end is this much in the past: the pipeline's lag plus a margin. */
  LEDGER_CLOSE_AFTER_SECONDS: envInt(900, { min: 1, max: 7 * 86_400 }),
  /** Hours filled per round. */
  LEDGER_CHUNK_HOURS: envInt(24, { min: 1, max: 744 }),
  /** Pause between rounds once the ledger has caught up. */
  LEDGER_INTERVAL_MS: envInt(60_000, { min: 100, max: 3_600_000 }),
  /** Where a new ledger starts (ISO time); default: the hour of the oldest authlog row. */
  LEDGER_START: z
    .string()
    .optional()
    .refine((value) => value === undefined || !Number.isNaN(Date.parse(value)), { message: 'an ISO 8601 time such as 2026-12-01T00:00:00Z' }),
  LEDGER_MAX_REQUEUE_PER_HOUR: envInt(10_000, { min: 1, max: 1_000_000 }),
  LEDGER_BULK_TIMEOUT_MS: envInt(30_000, { min: 100, max: 600_000 }),
  LEDGER_MAX_DOCUMENT_BYTES: envInt(1_048_576, { min: 1_024, max: 50_000_000 }),
} as const;

export type LedgerSettings = Readonly<z.infer<z.ZodObject<typeof ledgerSettings>>>;

export const loadLedgerSettings = (env?: Environment): LedgerSettings => loadConfig(ledgerSettings, env);
