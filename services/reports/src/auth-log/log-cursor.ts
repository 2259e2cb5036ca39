import { createHash } from 'node:crypto';
import { ValidationError } from '../../../../shared/errors/validation-error.js';
import { describeFilters, type EventScope } from '../search/event-scope.js';

export type SortOrder = 'asc' | 'desc';

/** Where the next page starts: Duo's [timestamp, txid] position, plus what it belongs to. */
export interface CursorPosition {
  readonly timestampMs: number;
  readonly txid: string;
  readonly order: SortOrder;
  /** The time range of the first page: later pages keep it, so "to = now" does not move under the caller. */
  readonly fromMs: number;
  readonly toMs: number;
}

interface CursorPayload {
  readonly v: 1;
  readonly t: number;
  readonly id: string;
  readonly o: SortOrder;
  readonly r: readonly [number, number];
  /** Digest of the account and filters: a cursor only continues the query it came from. */
  readonly q: string;
}

/**
 * Opaque pagination cursors. They are not secret and need not be: every page is filtered to the
 * caller's account on the server, so a cursor (forged, or taken from another account) can only
 * position a read inside the caller's own data. The digest makes a cursor used with other filters
 * or by another account a clear 400 instead of a confusing page.
 */
export function encodeCursor(scope: EventScope, position: Omit<CursorPosition, 'fromMs' | 'toMs'>): string {
  const payload: CursorPayload = { v: 1, t: position.timestampMs, id: position.txid, o: position.order, r: [scope.range.fromMs, scope.range.toMs], q: digest(scope) };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** Decodes a cursor for `scope` (the caller's account and filters); ValidationError on field "cursor" otherwise. */
export function decodeCursor(cursor: string, scope: Omit<EventScope, 'range'>): CursorPosition {
  let payload: Partial<CursorPayload>;
  try {
    if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw new Error('not base64url');
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorPayload>;
  } catch {
    throw invalid('the next_cursor value of a previous page, unchanged');
  }
  const { t, id, o, r, q } = payload;
  if (
    payload.v !== 1 ||
    typeof t !== 'number' ||
    !Number.isSafeInteger(t) ||
    typeof id !== 'string' ||
    !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(id) ||
    (o !== 'asc' && o !== 'desc') ||
    !Array.isArray(r) ||
    r.length !== 2 ||
    !r.every((value) => Number.isSafeInteger(value)) ||
    typeof q !== 'string'
  ) {
    throw invalid('the next_cursor value of a previous page, unchanged');
  }
  if (q !== digest(scope)) throw invalid('a cursor from a page of this same query (same account and filters)');
  return { timestampMs: t, txid: id, order: o, fromMs: r[0] as number, toMs: r[1] as number };
}

function digest(scope: Omit<EventScope, 'range'>): string {
  return createHash('sha256').update(describeFilters(scope.accountId, scope.filters)).digest('base64url').slice(0, 22);
}

function invalid(expected: string): ValidationError {
  return new ValidationError([{ field: 'cursor', expected }]);
}
