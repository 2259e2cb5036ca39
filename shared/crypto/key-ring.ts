import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptionError } from './decryption-error.js';

const ALGORITHM = 'aes-256-gcm';
/** Layout of a sealed value: format version, 96-bit IV, 128-bit tag, ciphertext. */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** What is stored: the id of the key that sealed it (its own column) and the sealed bytes. */
export interface SealedValue {
  readonly keyId: string;
  readonly sealed: Buffer;
}

/**
 * AES-256-GCM under named keys: the first key seals, every key opens, so a key can be rotated by
 * putting a new one first, re-sealing the stored values (npm run rotate-secrets-key), then dropping
 * the old one. `context` is authenticated, not stored: a value sealed for one row (an endpoint id)
 * does not open for another, so ciphertexts cannot be swapped between rows.
 */
export class KeyRing {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly currentKeyId: string;

  private constructor(keys: ReadonlyMap<string, Buffer>, currentKeyId: string) {
    this.#keys = keys;
    this.currentKeyId = currentKeyId;
  }

  /** `id:base64key[,id:base64key...]`, the first one current; each key 32 random bytes. */
  static parse(text: string): KeyRing {
    const keys = new Map<string, Buffer>();
    for (const entry of text.split(',').map((part) => part.trim()).filter((part) => part.length > 0)) {
      const colon = entry.indexOf(':');
      const id = entry.slice(0, colon);
      if (colon < 0 || !KEY_ID.test(id)) throw new Error('each key must be written id:base64key, the id of 1 to 32 letters, digits, _ or -');
      if (keys.has(id)) throw new Error(`key id ${id} appears twice`);
      const key = Buffer.from(entry.slice(colon + 1), 'base64');
      if (key.length !== 32) throw new Error(`key ${id} must be 32 bytes of base64 (openssl rand -base64 32), got ${key.length} bytes`);
      // 32 random bytes hold ~31 distinct values; a key of zeros or a repeated pattern is no key.
      if (new Set(key).size < 16) throw new Error(`key ${id} is not random (too few distinct bytes): make one with openssl rand -base64 32`);
      keys.set(id, key);
    }
    const current = keys.keys().next().value;
    if (current === undefined) throw new Error('at least one key is needed');
    return new KeyRing(keys, current);
  }

  /** A fresh `id:key` entry, for setup scripts and tests. */
  static generateEntry(id: string): string {
    return `${id}:${randomBytes(32).toString('base64')}`;
  }

  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  get keyIds(): readonly string[] {
    return [...this.#keys.keys()];
  }

  seal(plaintext: string, context: string): SealedValue {
    const key = this.#keys.get(this.currentKeyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.currentKeyId, sealed: Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]) };
  }

  open(value: SealedValue, context: string): string {
    const key = this.#keys.get(value.keyId);
    if (key === undefined) throw new DecryptionError(value.keyId, `key ${value.keyId} is not in the key ring (AUTHLOG_ENCRYPTION_KEYS has ${this.keyIds.join(', ')})`);
    const { sealed } = value;
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new DecryptionError(value.keyId, 'not a sealed value of a known format');
    try {
      const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new DecryptionError(value.keyId, 'authentication failed: wrong key, altered bytes, or sealed for another row', { cause: error });
    }
  }
}
