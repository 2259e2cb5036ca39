import type { AuthEvent } from '../event/auth-event.js';
import type { CheckedTrace } from './trace-context.js';

export type RecordStatus = 'recorded' | 'duplicate';

export interface RecordResult {
  readonly txid: string;
  /** `duplicate`: this txid was recorded before; nothing new was written. */
  readonly status: RecordStatus;
}

/** One caller's validated event waiting for the group commit that will hold it. */
export interface PendingRecord {
  readonly event: AuthEvent;
  readonly trace: CheckedTrace;
  /** The event's JSON text, as stored in authlog.payload (serialised once, at enqueue). */
  readonly payload: string;
  /** UTF-8 size of `payload`: what the flush's byte bound counts. */
  readonly bytes: number;
  readonly resolve: (result: RecordResult) => void;
  readonly reject: (error: unknown) => void;
}

/** authlog_record_batch's element: DATETIME(3) text in UTC, the payload as JSON text (stored as sent). */
export function batchElement({ event, trace, payload }: PendingRecord): string {
  return JSON.stringify({
    at: utcDatetime(event.timestamp),
    account_id: event.account_id,
    txid: event.txid,
    payload,
    event_type: event.event_type,
    schema_version: event.schema_version,
    traceparent: trace.traceparent,
    tracestate: trace.tracestate,
  });
}

const ISO_UTC_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** DATETIME(3) text in UTC, as the pool's `timezone: 'Z'` writes a Date. */
export function utcDatetime(timestamp: string | Date): string {
  // A validated event's timestamp is already toISOString()'s text: cut it instead of parsing it again.
  if (typeof timestamp === 'string' && ISO_UTC_MS.test(timestamp)) return `${timestamp.slice(0, 10)} ${timestamp.slice(11, 23)}`;
  return new Date(timestamp).toISOString().replace('T', ' ').replace('Z', '');
}
