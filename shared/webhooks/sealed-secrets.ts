import type { KeyRing } from '../crypto/key-ring.js';

/** The columns of a webhook_secrets row that hold the secret. */
export interface SecretColumns {
  readonly secret: string | null;
  readonly key_id: string | null;
  readonly secret_sealed: Buffer | null;
}

/** Sealed for its endpoint: a row copied to another endpoint does not open. */
const context = (endpointId: string) => `webhook_secrets:${endpointId}`;

export function sealSecret(keys: KeyRing, endpointId: string, secret: string): SecretColumns {
  const { keyId, sealed } = keys.seal(secret, context(endpointId));
  return { secret: null, key_id: keyId, secret_sealed: sealed };
}

/** The secret of a row: opened with its key, or as it is for a row from before encryption. */
export function openSecret(keys: KeyRing, endpointId: string, row: SecretColumns): string {
  if (row.key_id !== null && row.secret_sealed !== null) return keys.open({ keyId: row.key_id, sealed: row.secret_sealed }, context(endpointId));
  if (row.secret !== null) return row.secret;
  throw new Error(`webhook secret of ${endpointId} has neither a sealed nor a plain value`);
}
