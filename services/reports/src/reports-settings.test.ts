import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/load-config.js';
import { ConfigError } from '../../../shared/errors/config-error.js';
import { reportsSettings } from './reports-settings.js';

const refusal = (value: string): ConfigError | undefined => {
  try {
    loadConfig(reportsSettings, { REPORTS_LINK_SECRET: value });
    return undefined;
  } catch (error) {
    return error as ConfigError;
  }
};

describe('REPORTS_LINK_SECRET', () => {
  it('refuses a placeholder or a short value, naming the variable and never echoing the value', () => {
    for (const value of ['change-me-to-a-long-random-string-of-48-characters', 'your-secret-goes-here-please-make-it-long-enough', 'x'.repeat(40), 'short-but-random-9fK2']) {
      const error = refusal(value);
      expect(error, value).toBeInstanceOf(ConfigError);
      expect(error?.variable).toBe('REPORTS_LINK_SECRET');
      expect(error?.message).not.toContain(value);
    }
  });

  it('accepts a random value of 32 characters or more, and no value (random per process)', () => {
    expect(refusal('p3Jx9QwL0vZ7tRk2mN8bYc4dHs6fGa1E')).toBeUndefined();
    expect(loadConfig(reportsSettings, {}).REPORTS_LINK_SECRET).toBeUndefined();
  });
});

describe('REPORTS_WEBHOOK_API_URL', () => {
  it('is optional, and when set must be an http(s) URL (the Admin Panel proxies its webhook pages to it)', () => {
    expect(loadConfig(reportsSettings, {}).REPORTS_WEBHOOK_API_URL).toBeUndefined();
    expect(loadConfig(reportsSettings, { REPORTS_WEBHOOK_API_URL: 'http://127.0.0.1:7005' }).REPORTS_WEBHOOK_API_URL).toBe('http://127.0.0.1:7005');
    for (const value of ['127.0.0.1:7005', 'ftp://hooks.example.com', 'not a url']) {
      expect(() => loadConfig(reportsSettings, { REPORTS_WEBHOOK_API_URL: value }), value).toThrow(expect.objectContaining({ variable: 'REPORTS_WEBHOOK_API_URL' }));
    }
  });
});

describe('REPORTS_TRUSTED_PROXIES', () => {
  it('is empty by default (X-Forwarded-For ignored) and takes only addresses and CIDR blocks', () => {
    expect(loadConfig(reportsSettings, {}).REPORTS_TRUSTED_PROXIES).toEqual([]);
    expect(loadConfig(reportsSettings, { REPORTS_TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8' }).REPORTS_TRUSTED_PROXIES).toEqual(['10.0.0.0/8', 'fd00::/8']);
    for (const value of ['10.0.0.0/33', 'ingress.local', '10.0.0.1/8/1']) {
      expect(() => loadConfig(reportsSettings, { REPORTS_TRUSTED_PROXIES: value }), value).toThrow(expect.objectContaining({ variable: 'REPORTS_TRUSTED_PROXIES' }));
    }
  });
});
