import { describe, expect, it } from 'vitest';
import { commonSettings } from '../config/common-settings.js';
import { loadConfig } from '../config/load-config.js';
import { ConfigError } from '../errors/config-error.js';
import { KeyRing } from '../crypto/key-ring.js';
import { addressPolicyOf, webhookSettings } from './webhook-settings.js';

const keys = KeyRing.generateEntry('k1');
const load = (env: Record<string, string>) => loadConfig({ ...webhookSettings, ...commonSettings.ops }, { AUTHLOG_ENCRYPTION_KEYS: keys, ...env });
const refusedVariable = (env: Record<string, string>) => {
  try {
    load(env);
    return undefined;
  } catch (error) {
    return (error as ConfigError).variable;
  }
};

describe('webhook settings (issue 13.6, 13.7)', () => {
  it('refuse the demo exceptions when NODE_ENV=production, naming the setting', () => {
    expect(refusedVariable({ NODE_ENV: 'production', WEBHOOK_SSRF_ALLOW: '127.0.0.1:7008' })).toBe('WEBHOOK_SSRF_ALLOW');
    expect(refusedVariable({ NODE_ENV: 'production', WEBHOOK_ALLOW_HTTP: 'true' })).toBe('WEBHOOK_ALLOW_HTTP');
    expect(refusedVariable({ NODE_ENV: 'production' })).toBeUndefined();
    expect(refusedVariable({ WEBHOOK_SSRF_ALLOW: '127.0.0.1:7008', WEBHOOK_ALLOW_HTTP: 'true' })).toBeUndefined();
  });

  it('block the well-known non-HTTP ports by default; WEBHOOK_BLOCKED_PORTS replaces the list', () => {
    const policy = addressPolicyOf(load({}));
    for (const port of [22, 25, 3306, 5432, 6379, 9092, 9200, 11211]) expect(policy.portRefusal(port), String(port)).toBeDefined();
    expect(policy.portRefusal(443)).toBeUndefined();
    const custom = addressPolicyOf(load({ WEBHOOK_BLOCKED_PORTS: '8080, 22' }));
    expect(custom.portRefusal(8080)).toBeDefined();
    expect(custom.portRefusal(3306)).toBeUndefined();
    expect(refusedVariable({ WEBHOOK_BLOCKED_PORTS: '22,ssh' })).toBe('WEBHOOK_BLOCKED_PORTS');
    expect(refusedVariable({ WEBHOOK_BLOCKED_PORTS: '0' })).toBe('WEBHOOK_BLOCKED_PORTS');
  });
});
