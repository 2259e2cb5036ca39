import { envSecretValue } from '../config/secret.js';
import type { Secret } from '../config/secret.js';
import { KeyRing } from './key-ring.js';

const accepts = (value: string): string | undefined => {
  try {
    KeyRing.parse(value);
    return undefined;
  } catch (error) {
    return `a key ring such as k2:<base64 32 bytes>,k1:<...> (${(error as Error).message})`;
  }
};

/**
 * The keys that encrypt stored secrets (webhook signing secrets, and later any stored credential):
 * required, no default, from the variable or AUTHLOG_ENCRYPTION_KEYS_FILE. The first key encrypts.
 */
export const encryptionSettings = {
  AUTHLOG_ENCRYPTION_KEYS: envSecretValue({ required: true, check: accepts }),
} as const;

export function keyRingOf(settings: { readonly AUTHLOG_ENCRYPTION_KEYS: Secret }): KeyRing {
  return KeyRing.parse(settings.AUTHLOG_ENCRYPTION_KEYS.reveal());
}
