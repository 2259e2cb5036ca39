import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/errors/config-error.js';
import { loadDispatcherSettings } from './dispatcher-settings.js';
import { startTimestamp } from './start-position.js';

const HOUR = 3_600_000;
const now = Date.UTC(2026, 11, 7, 12);

describe('startTimestamp: where a group without committed offsets starts', () => {
  it('starts at the earliest enabled endpoint creation, minus the clock margin', () => {
    expect(startTimestamp({ now, earliestEndpoint: new Date(now - HOUR), lookbackMs: 24 * HOUR, clockMarginMs: 5_000 })).toBe(now - HOUR - 5_000);
  });

  it('never further back than the lookback', () => {
    expect(startTimestamp({ now, earliestEndpoint: new Date(now - 72 * HOUR), lookbackMs: 24 * HOUR, clockMarginMs: 0 })).toBe(now - 24 * HOUR);
  });

  it('starts now (minus the margin) without endpoints, or with one created "in the future" by a skewed clock', () => {
    expect(startTimestamp({ now, earliestEndpoint: undefined, lookbackMs: 24 * HOUR, clockMarginMs: 5_000 })).toBe(now - 5_000);
    expect(startTimestamp({ now, earliestEndpoint: new Date(now + HOUR), lookbackMs: 24 * HOUR, clockMarginMs: 0 })).toBe(now);
  });
});

describe('dispatcher settings', () => {
  it('refuses the removed WEBHOOK_FROM_BEGINNING, naming it', () => {
    const error = (() => {
      try {
        loadDispatcherSettings({ WEBHOOK_FROM_BEGINNING: 'true' });
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('WEBHOOK_FROM_BEGINNING');
    expect((error as Error).message).toMatch(/was removed/);
  });
});
