import { describe, expect, it } from 'vitest';
import { DecryptionError } from './decryption-error.js';
import { KeyRing } from './key-ring.js';

describe('KeyRing (AES-256-GCM under named keys)', () => {
  const old = KeyRing.generateEntry('k1');
  const fresh = KeyRing.generateEntry('k2');

  it('seals with the first key and opens with any key of the ring', () => {
    const before = KeyRing.parse(old);
    const sealed = before.seal('whsec_secret', 'ep_1');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.sealed.includes(Buffer.from('whsec_secret'))).toBe(false);
    const rotated = KeyRing.parse(`${fresh},${old}`);
    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.open(sealed, 'ep_1')).toBe('whsec_secret');
    expect(rotated.seal('whsec_secret', 'ep_1').keyId).toBe('k2');
  });

  it('uses a fresh IV every time', () => {
    const ring = KeyRing.parse(old);
    expect(ring.seal('same', 'ep').sealed.equals(ring.seal('same', 'ep').sealed)).toBe(false);
  });

  it('refuses another row, altered bytes, a wrong key and a missing key, as DecryptionError', () => {
    const ring = KeyRing.parse(old);
    const sealed = ring.seal('whsec_secret', 'ep_1');
    expect(() => ring.open(sealed, 'ep_2')).toThrow(DecryptionError);
    const altered = Buffer.from(sealed.sealed);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    expect(() => ring.open({ keyId: 'k1', sealed: altered }, 'ep_1')).toThrow(/authentication failed/);
    const impostor = KeyRing.parse(KeyRing.generateEntry('k1'));
    expect(() => impostor.open(sealed, 'ep_1')).toThrow(DecryptionError);
    expect(() => KeyRing.parse(fresh).open(sealed, 'ep_1')).toThrow(/key k1 is not in the key ring/);
  });

  it('parses only well-formed rings, saying what is wrong', () => {
    expect(() => KeyRing.parse('')).toThrow('at least one key');
    expect(() => KeyRing.parse('k1:c2hvcnQ=')).toThrow('must be 32 bytes');
    expect(() => KeyRing.parse('nocolon')).toThrow('id:base64key');
    expect(() => KeyRing.parse(`${old},${old}`)).toThrow('appears twice');
    // Right length, no randomness: 32 zero bytes, or one pattern repeated.
    expect(() => KeyRing.parse(`k1:${Buffer.alloc(32).toString('base64')}`)).toThrow('not random');
    expect(() => KeyRing.parse(`k1:${Buffer.from('01234567'.repeat(4)).toString('base64')}`)).toThrow('not random');
  });
});
