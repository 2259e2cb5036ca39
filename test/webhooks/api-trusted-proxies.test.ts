import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWebhookApiSettings } from '../../services/webhook-api/src/webhook-api-settings.js';
import { startApi } from './support/api-client.js';
import { WebhookFixture } from './support/webhook-fixture.js';

/**
 * The per-address limit of refused API keys behind a proxy (the reports service proxies the Admin
 * Panel's webhook pages): with the proxy in WEBHOOK_API_TRUSTED_PROXIES it counts the address the
 * proxy forwards, so one user's bad keys do not lock out every panel user; without, X-Forwarded-For
 * is ignored, so a client cannot escape the limit by inventing addresses.
 */
let fixture: WebhookFixture;
let trusting: Awaited<ReturnType<typeof startApi>>;
let plain: Awaited<ReturnType<typeof startApi>>;

beforeAll(async () => {
  fixture = await WebhookFixture.create();
  const limits = { WEBHOOK_API_AUTH_FAILURES_PER_ADDRESS: '2' };
  trusting = await startApi(fixture, { ...limits, WEBHOOK_API_TRUSTED_PROXIES: '127.0.0.1/32, ::1' });
  // Its own Redis prefix: the loopback address's count must not be shared with the other instance.
  plain = await startApi(fixture, { ...limits, WEBHOOK_REDIS_PREFIX: `${fixture.prefix}-plain` });
});

afterAll(async () => {
  await trusting?.stop();
  await plain?.stop();
  await fixture?.cleanup();
});

const badKey = (baseUrl: string, forwardedFor: string) =>
  fetch(`${baseUrl}/v1/endpoints`, { headers: { authorization: 'Bearer alk_notakey_0000000000000000', 'x-forwarded-for': forwardedFor } }).then((response) => response.status);

describe('WEBHOOK_API_TRUSTED_PROXIES', () => {
  it('from a trusted proxy, counts refused keys per forwarded client address', async () => {
    expect([await badKey(trusting.baseUrl, '198.51.100.1'), await badKey(trusting.baseUrl, '198.51.100.1'), await badKey(trusting.baseUrl, '198.51.100.1')]).toEqual([401, 401, 429]);
    expect(await badKey(trusting.baseUrl, '198.51.100.2')).toBe(401);
  });

  it('unset, ignores X-Forwarded-For: invented addresses do not escape the limit', async () => {
    expect([await badKey(plain.baseUrl, '203.0.113.1'), await badKey(plain.baseUrl, '203.0.113.2'), await badKey(plain.baseUrl, '203.0.113.3')]).toEqual([401, 401, 429]);
  });

  it('refuses an entry that is no address or CIDR block, naming the variable', () => {
    expect(loadWebhookApiSettings(fixture.env({ WEBHOOK_API_TRUSTED_PROXIES: '10.0.0.0/8,fd00::/8' })).WEBHOOK_API_TRUSTED_PROXIES).toEqual(['10.0.0.0/8', 'fd00::/8']);
    for (const value of ['reports.internal', '10.0.0.0/33', '10.0.0.1/8/1']) {
      expect(() => loadWebhookApiSettings(fixture.env({ WEBHOOK_API_TRUSTED_PROXIES: value })), value).toThrow(expect.objectContaining({ variable: 'WEBHOOK_API_TRUSTED_PROXIES' }));
    }
  });
});
