import { describe, expect, it } from 'vitest';
import { NO_FILTERS } from '../search/event-scope.js';
import { decodeCursor, encodeCursor } from './log-cursor.js';
import { validationFieldOf as fieldOf } from '../../../../testing/validation-field.js';

describe('cursors', () => {
  const scope = { accountId: 'acct_a', filters: { ...NO_FILTERS, results: ['denied' as const] }, range: { fromMs: 10, toMs: 20, timeZone: 'UTC' } };
  it('round-trip, and are refused for another account, other filters, or when altered', () => {
    const cursor = encodeCursor(scope, { timestampMs: 15, txid: 'tx-1', order: 'desc' });
    expect(decodeCursor(cursor, scope)).toEqual({ timestampMs: 15, txid: 'tx-1', order: 'desc', fromMs: 10, toMs: 20 });
    expect(fieldOf(() => decodeCursor(cursor, { ...scope, accountId: 'acct_b' }))).toBe('cursor');
    expect(fieldOf(() => decodeCursor(cursor, { ...scope, filters: NO_FILTERS }))).toBe('cursor');
    const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    expect(fieldOf(() => decodeCursor(Buffer.from(JSON.stringify({ ...payload, id: '" OR 1' })).toString('base64url'), scope))).toBe('cursor');
    expect(fieldOf(() => decodeCursor('%%%', scope))).toBe('cursor');
  });
});
