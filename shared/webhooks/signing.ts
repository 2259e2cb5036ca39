import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com):
 *   webhook-signature: v1,<base64 HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}">
 * keyed with the base64-decoded part of a `whsec_<base64>` secret; several space-separated
 * signatures while a rotated secret is still valid, so receivers on either secret accept it.
 */
export const SECRET_PREFIX = 'whsec_';
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A new secret: `whsec_` + base64 of `bytes` random bytes (32 by default, 24 to 64 allowed). */
export function generateSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < MIN_KEY_BYTES || bytes > MAX_KEY_BYTES) {
    throw new RangeError(`a webhook secret has ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} random bytes`);
  }
  return SECRET_PREFIX + randomBytes(bytes).toString('base64');
}

/** Whether `secret` is `whsec_` + canonical base64 of 24 to 64 bytes (what customers may bring). */
export function isValidSecret(secret: string): boolean {
  if (!secret.startsWith(SECRET_PREFIX)) return false;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) return false;
  const length = Buffer.from(encoded, 'base64').length;
  return length >= MIN_KEY_BYTES && length <= MAX_KEY_BYTES;
}

/** The HMAC key of a secret, imported once: signing with a ready KeyObject skips a key import per message. */
export function secretKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64'));
}

/** One `v1,<signature>` entry. */
export function signatureOf(key: KeyObject, messageId: string, timestampSeconds: number, body: string | Buffer): string {
  const digest = createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.`).update(body).digest('base64');
  return `v1,${digest}`;
}

/** The headers of one delivery attempt, signed with every key given (current secret first). */
export function standardWebhookHeaders(
  keys: readonly KeyObject[],
  messageId: string,
  timestampSeconds: number,
  body: string | Buffer,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': keys.map((key) => signatureOf(key, messageId, timestampSeconds, body)).join(' '),
  };
}
