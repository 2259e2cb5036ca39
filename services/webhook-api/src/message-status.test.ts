import { describe, expect, it } from 'vitest';
import { decodeMessageCursor, encodeMessageCursor } from './message-cursor.js';
import { listedStatus } from './message-status.js';

const at = (ms: number) => new Date(1_800_000_000_000 + ms);

describe('listedStatus', () => {
  it('takes a recorded failed or delivered state as final', () => {
    expect(listedStatus({ status: 'failed', updatedAt: at(5) }, { outcome: 'failure', attemptedAt: at(1) })).toBe('failed');
    expect(listedStatus({ status: 'delivered', updatedAt: at(5) }, { outcome: 'success', attemptedAt: at(1) })).toBe('delivered');
  });

  it('keeps a recorded pending message pending until an attempt is made after it was queued', () => {
    expect(listedStatus({ status: 'pending', updatedAt: at(5) }, undefined)).toBe('pending');
    expect(listedStatus({ status: 'pending', updatedAt: at(5) }, { outcome: 'failure', attemptedAt: at(1) })).toBe('pending');
    expect(listedStatus({ status: 'pending', updatedAt: at(5) }, { outcome: 'failure', attemptedAt: at(6) })).toBe('failing');
  });

  it('decides an unrecorded message by its last attempt', () => {
    expect(listedStatus(undefined, { outcome: 'success', attemptedAt: at(1) })).toBe('delivered');
    expect(listedStatus(undefined, { outcome: 'failure', attemptedAt: at(1) })).toBe('failing');
  });
});

describe('message cursor', () => {
  it('round-trips a position and refuses anything else naming before', () => {
    const position = { seenAt: at(123), messageId: 'tx:1/a' };
    expect(decodeMessageCursor(encodeMessageCursor(position))).toEqual(position);
    for (const bad of ['', 'not-a-cursor', Buffer.from('{"t":"x","m":"a"}').toString('base64url')]) {
      expect(() => decodeMessageCursor(bad)).toThrow(/before/);
    }
  });
});
