import { ValidationError } from '../../../shared/errors/validation-error.js';

/** Where a message sits in the list: when it was first seen, then its id (unique per endpoint). */
export interface MessagePosition {
  readonly seenAt: Date;
  readonly messageId: string;
}

/**
 * The opaque `before` of the messages list: base64url of the last listed position. A position
 * never changes once a message exists (new attempts do not move it), so pages are stable while
 * deliveries go on; it is opaque so the key may change without breaking clients' code.
 */
export function encodeMessageCursor(position: MessagePosition): string {
  return Buffer.from(JSON.stringify({ t: position.seenAt.getTime(), m: position.messageId })).toString('base64url');
}

export function decodeMessageCursor(cursor: string): MessagePosition {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; m?: unknown };
    if (typeof parsed.t === 'number' && Number.isSafeInteger(parsed.t) && typeof parsed.m === 'string' && parsed.m.length <= 64) {
      return { seenAt: new Date(parsed.t), messageId: parsed.m };
    }
  } catch {
    // Falls through to the 400 below: a cursor is only ever one this API gave.
  }
  throw new ValidationError([{ field: 'before', expected: 'the next_before of a previous page' }]);
}
