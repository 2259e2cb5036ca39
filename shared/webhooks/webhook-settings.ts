import { z } from 'zod';
import { envBool, envInt, envList, envString } from '../config/env-types.js';
import type { Secret } from '../config/secret.js';
import { encryptionSettings } from '../crypto/encryption-settings.js';
import { ConfigError } from '../errors/config-error.js';
import { RetrySchedule, SVIX_SCHEDULE } from './retry-schedule.js';
import type { Logger } from '../log/logger.js';
import { AddressPolicy, DEFAULT_BLOCKED_PORTS } from './ssrf/address-policy.js';

const accepts = <T>(check: (value: T) => unknown) => (value: T) => {
  try {
    check(value);
    return true;
  } catch {
    return false;
  }
};

/**
 * Settings both webhook services read under the same names: the API enqueues (test events,
 * replays) into the dispatcher's queue and validates URLs by the same policy the dispatcher
 * enforces at connect time.
 */
export const webhookSettings = {
  /** Keys that encrypt the signing secrets in MySQL (shared/crypto); the first one encrypts. */
  ...encryptionSettings,
  /** Prefix of every Redis key of the webhook services (BullMQ queue, limiter, markers, pub/sub). */
  WEBHOOK_REDIS_PREFIX: envString('authlog'),
  WEBHOOK_QUEUE: envString('webhook-deliveries'),
  /** Attempt schedule: the first attempt's delay, then the wait after each failure. */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default(SVIX_SCHEDULE)
    .refine(accepts((value: string) => RetrySchedule.parse(value)), { message: 'a comma-separated list of durations such as 0,5s,5m,30m,2h' }),
  WEBHOOK_RETRY_JITTER_PERCENT: envInt(10, { min: 0, max: 100 }),
  /** Plain http endpoints: for the local demo and tests only. */
  WEBHOOK_ALLOW_HTTP: envBool(false),
  /**
   * SSRF allow-list for the local demo and tests only: host:port of the demo receiver
   * ("127.0.0.1:7008"), or for tests CIDRs, addresses, host names. Refused with NODE_ENV=production.
   */
  WEBHOOK_SSRF_ALLOW: envList('').refine(accepts((entries: string[]) => new AddressPolicy({ allow: entries })), {
    message: 'a comma-separated list of host:port (127.0.0.1:7008), CIDRs (127.0.0.0/8), addresses (::1) or host names',
  }),
  /** Ports no webhook URL may use, checked when an endpoint is saved and again at every connect. Empty: none. */
  WEBHOOK_BLOCKED_PORTS: envList(DEFAULT_BLOCKED_PORTS.join(','))
    .refine((entries) => entries.every((entry) => /^\d{1,5}$/.test(entry) && Number(entry) >= 1 && Number(entry) <= 65_535), { message: 'a comma-separated list of port numbers (1-65535)' })
    .transform((entries) => entries.map(Number)),
  /**
   * Bounds of what a customer may set per endpoint (webhook-api answers 422 naming the field
   * outside them; the dispatcher clamps a stored value to them): the request timeout, and the
   * retry schedule's number of attempts and each wait.
   */
  WEBHOOK_ENDPOINT_TIMEOUT_MIN_MS: envInt(1_000, { min: 100, max: 120_000 }),
  WEBHOOK_ENDPOINT_TIMEOUT_MAX_MS: envInt(30_000, { min: 100, max: 120_000 }),
  WEBHOOK_ENDPOINT_RETRY_MAX_ATTEMPTS: envInt(15, { min: 1, max: 50 }),
  WEBHOOK_ENDPOINT_RETRY_MIN_DELAY_MS: envInt(1_000, { min: 0, max: 86_400_000 }),
  WEBHOOK_ENDPOINT_RETRY_MAX_DELAY_MS: envInt(86_400_000, { min: 1, max: 7 * 86_400_000 }),
} as const;

export interface WebhookSettings {
  readonly AUTHLOG_ENCRYPTION_KEYS: Secret;
  readonly WEBHOOK_REDIS_PREFIX: string;
  readonly WEBHOOK_QUEUE: string;
  readonly WEBHOOK_RETRY_SCHEDULE: string;
  readonly WEBHOOK_RETRY_JITTER_PERCENT: number;
  readonly WEBHOOK_ALLOW_HTTP: boolean;
  readonly WEBHOOK_SSRF_ALLOW: readonly string[];
  readonly WEBHOOK_BLOCKED_PORTS: readonly number[];
  readonly WEBHOOK_ENDPOINT_TIMEOUT_MIN_MS: number;
  readonly WEBHOOK_ENDPOINT_TIMEOUT_MAX_MS: number;
  readonly WEBHOOK_ENDPOINT_RETRY_MAX_ATTEMPTS: number;
  readonly WEBHOOK_ENDPOINT_RETRY_MIN_DELAY_MS: number;
  readonly WEBHOOK_ENDPOINT_RETRY_MAX_DELAY_MS: number;
}

/** What a customer may set per endpoint, resolved once from the settings. */
export interface EndpointOverrideBounds {
  readonly timeoutMs: { readonly min: number; readonly max: number };
  /** Attempts in all, the first one included (a schedule of n waits makes n + 1 attempts). */
  readonly maxAttempts: number;
  readonly retryDelayMs: { readonly min: number; readonly max: number };
}

/** Throws a ConfigError when a minimum exceeds its maximum; both services call it after loading. */
export function endpointOverrideBoundsOf(settings: WebhookSettings): EndpointOverrideBounds {
  if (settings.WEBHOOK_ENDPOINT_TIMEOUT_MIN_MS > settings.WEBHOOK_ENDPOINT_TIMEOUT_MAX_MS) {
    throw new ConfigError('WEBHOOK_ENDPOINT_TIMEOUT_MIN_MS', `must not exceed WEBHOOK_ENDPOINT_TIMEOUT_MAX_MS (${settings.WEBHOOK_ENDPOINT_TIMEOUT_MAX_MS})`);
  }
  if (settings.WEBHOOK_ENDPOINT_RETRY_MIN_DELAY_MS > settings.WEBHOOK_ENDPOINT_RETRY_MAX_DELAY_MS) {
    throw new ConfigError('WEBHOOK_ENDPOINT_RETRY_MIN_DELAY_MS', `must not exceed WEBHOOK_ENDPOINT_RETRY_MAX_DELAY_MS (${settings.WEBHOOK_ENDPOINT_RETRY_MAX_DELAY_MS})`);
  }
  return Object.freeze({
    timeoutMs: Object.freeze({ min: settings.WEBHOOK_ENDPOINT_TIMEOUT_MIN_MS, max: settings.WEBHOOK_ENDPOINT_TIMEOUT_MAX_MS }),
    maxAttempts: settings.WEBHOOK_ENDPOINT_RETRY_MAX_ATTEMPTS,
    retryDelayMs: Object.freeze({ min: settings.WEBHOOK_ENDPOINT_RETRY_MIN_DELAY_MS, max: settings.WEBHOOK_ENDPOINT_RETRY_MAX_DELAY_MS }),
  });
}

export function retryScheduleOf(settings: WebhookSettings): RetrySchedule {
  return RetrySchedule.parse(settings.WEBHOOK_RETRY_SCHEDULE, settings.WEBHOOK_RETRY_JITTER_PERCENT / 100);
}

export function addressPolicyOf(settings: WebhookSettings): AddressPolicy {
  return new AddressPolicy({ allow: settings.WEBHOOK_SSRF_ALLOW, allowHttp: settings.WEBHOOK_ALLOW_HTTP, blockedPorts: settings.WEBHOOK_BLOCKED_PORTS });
}

/** Both webhook services say at start when the demo's exceptions are on, in the same words. */
export function warnAboutExceptions(settings: WebhookSettings, logger: Logger): void {
  if (settings.WEBHOOK_SSRF_ALLOW.length > 0 || settings.WEBHOOK_ALLOW_HTTP) {
    logger.warn({ ssrfAllowList: settings.WEBHOOK_SSRF_ALLOW, allowHttp: settings.WEBHOOK_ALLOW_HTTP }, 'SSRF exceptions are on: for the local demo and tests only');
  }
}
