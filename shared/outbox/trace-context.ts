import { ValidationError } from '../errors/validation-error.js';

/** W3C Trace Context of the request that caused the event, forwarded to Kafka as headers. */
export interface TraceContext {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

// version-traceid-parentid-flags, lowercase hex (https://www.w3.org/TR/trace-context/#traceparent-header)
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export function checkTraceContext(context: TraceContext | undefined): { traceparent: string | null; tracestate: string | null } {
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
