/**
 * What a customer may put in an endpoint's custom headers (e.g. `Authorization: Splunk <token>` for
 * Splunk's HTTP Event Collector). Bounded so a row stays small and every request stays well under
 * receivers' header limits; names that the signature, the framing or the transport own are refused,
 * so a custom header can never change what is signed or how the body is read.
 */
export const MAX_HEADERS = 10;
export const MAX_HEADER_NAME_LENGTH = 64;
export const MAX_HEADER_VALUE_LENGTH = 2_048;
/** Names plus values of all of an endpoint's headers. */
export const MAX_HEADERS_TOTAL_BYTES = 4_096;

/** RFC 9110 token characters. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible ASCII with inner spaces or tabs; no CR, LF or NUL (no header injection), no edge whitespace. */
export const HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?$/;

const RESERVED_NAMES = new Set([
  'host',
  'content-length',
  'content-type',
  'content-encoding',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'user-agent',
  'http2-settings',
  'proxy-connection',
]);
const RESERVED_PREFIXES = ['webhook-', 'proxy-', 'sec-'];

/** Why a (syntactically valid) name may not be set, or undefined when it may. */
export function reservedHeaderReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (RESERVED_NAMES.has(lower)) return `${name} is set by the dispatcher and cannot be overridden`;
  const prefix = RESERVED_PREFIXES.find((candidate) => lower.startsWith(candidate));
  return prefix === undefined ? undefined : `headers starting with ${prefix} are reserved (${prefix === 'webhook-' ? 'Standard Webhooks signature' : 'transport'})`;
}

export function headersTotalBytes(headers: readonly (readonly [string, string])[]): number {
  return headers.reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
}
