import { timingSafeEqual } from 'node:crypto';
import { secretKey, signatureOf } from '../../../shared/webhooks/signing.js';

/**
 * What a customer's receiver does with a Standard Webhooks delivery: recompute v1 signatures with
 * each secret it knows and accept if any matches one in the header, and refuse stale timestamps
 * (replay protection).
 */
export function verifySignature(
  secrets: readonly string[],
  headers: { id?: string; timestamp?: string; signature?: string },
  body: string,
  toleranceSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): 'ok' | 'missing-headers' | 'stale' | 'bad-signature' {
  const { id, timestamp, signature } = headers;
  if (id === undefined || timestamp === undefined || signature === undefined) return 'missing-headers';
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(nowSeconds - seconds) > toleranceSeconds) return 'stale';
  const offered = signature.split(' ').map((entry) => Buffer.from(entry));
  for (const secret of secrets) {
    const expected = Buffer.from(signatureOf(secretKey(secret), id, seconds, body));
    if (offered.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected))) return 'ok';
  }
  return 'bad-signature';
}
