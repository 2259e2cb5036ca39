import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/load-config.js';
import type { ConfigError } from '../../../shared/errors/config-error.js';
import { KeyRing } from '../../../shared/crypto/key-ring.js';
import { RetrySchedule } from '../../../shared/webhooks/retry-schedule.js';
import { endpointOverrideBoundsOf, webhookSettings } from '../../../shared/webhooks/webhook-settings.js';
import { DeliveryOverrides } from './delivery-overrides.js';

const bounds = { timeoutMs: { min: 1_000, max: 30_000 }, maxAttempts: 4, retryDelayMs: { min: 1_000, max: 3_600_000 } };
const overrides = new DeliveryOverrides({ timeoutMs: 15_000, schedule: RetrySchedule.parse('0,5s,5m', 0.1) }, bounds);

describe('per-endpoint delivery overrides', () => {
  it('fall back to the service settings when the endpoint sets none', () => {
    expect(overrides.timeoutMs({ timeoutMs: null })).toBe(15_000);
    expect(overrides.schedule({ retrySchedule: null }).delaysMs).toEqual([0, 5_000, 300_000]);
  });

  it('use the endpoint values, clamped to this process bounds, with the service jitter', () => {
    expect(overrides.timeoutMs({ timeoutMs: 2_500 })).toBe(2_500);
    expect(overrides.timeoutMs({ timeoutMs: 90_000 })).toBe(30_000);
    expect(overrides.timeoutMs({ timeoutMs: 10 })).toBe(1_000);
    const schedule = overrides.schedule({ retrySchedule: ['10ms', '2h', '30d', '1s', '1s'] });
    // At most 4 attempts, each wait within 1 s .. 1 h.
    expect(schedule.delaysMs).toEqual([0, 1_000, 3_600_000, 3_600_000]);
    expect(schedule.jitter).toBe(0.1);
    expect(overrides.schedule({ retrySchedule: [] }).attempts).toBe(1);
    // Endpoints with the same schedule share one parsed object.
    expect(overrides.schedule({ retrySchedule: ['5s'] })).toBe(overrides.schedule({ retrySchedule: ['5000ms'] }));
  });

  it('bounds whose minimum exceeds their maximum stop the service naming the setting', () => {
    const env = { AUTHLOG_ENCRYPTION_KEYS: KeyRing.generateEntry('k1'), WEBHOOK_ENDPOINT_TIMEOUT_MIN_MS: '5000', WEBHOOK_ENDPOINT_TIMEOUT_MAX_MS: '4000' };
    const refused = (() => {
      try {
        endpointOverrideBoundsOf(loadConfig(webhookSettings, env));
        return undefined;
      } catch (error) {
        return (error as ConfigError).variable;
      }
    })();
    expect(refused).toBe('WEBHOOK_ENDPOINT_TIMEOUT_MIN_MS');
    expect(endpointOverrideBoundsOf(loadConfig(webhookSettings, { AUTHLOG_ENCRYPTION_KEYS: env.AUTHLOG_ENCRYPTION_KEYS }))).toEqual({
      timeoutMs: { min: 1_000, max: 30_000 },
      maxAttempts: 15,
      retryDelayMs: { min: 1_000, max: 86_400_000 },
    });
  });
});
