import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret, isValidSecret, secretKey, standardWebhookHeaders } from './signing.js';

// Our signatures are checked by the reference implementation, not by our own code.
describe('Standard Webhooks signing', () => {
  it('produces headers the standardwebhooks package verifies, for each secret during a rotation', () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret(64)];
    const body = JSON.stringify({ type: 'authlog.authentication', data: { txid: 'abc', user: { name: 'Zoë' } } });
    const now = Math.floor(Date.now() / 1000);
    const headers = standardWebhookHeaders([secretKey(newSecret), secretKey(oldSecret)], 'txid-1', now, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [oldSecret, newSecret]) {
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    }
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(newSecret).verify(`${body} `, headers)).toThrow();
  });

  it('generates and accepts only whsec_ secrets of 24 to 64 random bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(secretKey(secret).symmetricKeySize).toBe(32);
    expect(isValidSecret(secret)).toBe(true);
    expect(isValidSecret(generateSecret(24))).toBe(true);
    expect(isValidSecret(`whsec_${Buffer.alloc(23).toString('base64')}`)).toBe(false);
    expect(isValidSecret(`whsec_${Buffer.alloc(65).toString('base64')}`)).toBe(false);
    expect(isValidSecret(secret.slice('whsec_'.length))).toBe(false);
    expect(isValidSecret('whsec_not*base64')).toBe(false);
    expect(() => generateSecret(16)).toThrow(RangeError);
    expect(generateSecret()).not.toBe(generateSecret());
  });
});
