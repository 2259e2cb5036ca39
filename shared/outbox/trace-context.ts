import { ValidationError } from '../errors/validation-error.js';

/** W3C Trace Context of the request that caused the event, forwarded to Kafka as headers. */
export interface TraceContext {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

// version-traceid-parentid-flags, lowercase hex (https://www.w3.org/TR/trace-context/#traceparent-header)
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** A trace context after checkTraceContext: absent parts are null (SQL NULL in the outbox row). */
export interface CheckedTrace {
  readonly traceparent: string | null;
  readonly tracestate: string | null;
}

export function checkTraceContext(context: TraceContext | undefined): CheckedTrace {
  const traceparent = context?.traceparent ?? null;
  const tracestate = context?.tracestate ?? null;
  if (traceparent !== null && !TRACEPARENT.test(traceparent)) {
    throw new ValidationError([{ field: 'trace.traceparent', expected: 'a W3C traceparent: 00-<32 hex>-<16 hex>-<2 hex>' }]);
  }
  if (tracestate !== null && tracestate.length > 512) {
    throw new ValidationError([{ field: 'trace.tracestate', expected: 'at most 512 characters' }]);
  }
  return { traceparent, tracestate };
}
