import { isIPv4, isIPv6 } from 'node:net';
import { inPrefix, parseIp } from '../webhooks/ssrf/ip-address.js';

/**
 * An address or a CIDR block, normalised: the `ip` filter of the reports API (a term query on the
 * `access_device.ip` field, type `ip`) and of webhook endpoints (matched in process by
 * `ipFilterMatcher`, with the same semantics).
 */
export interface IpFilter {
  /** "203.0.113.7" or "203.0.113.0/24" or "2001:db8::/32". */
  readonly value: string;
  readonly version: 4 | 6;
}

/** Parses "a.b.c.d", "a.b.c.d/n", an IPv6 address or "v6/n"; null when it is none of those. */
export function parseIpFilter(input: string): IpFilter | null {
  const match = /^([^/]{1,45})(?:\/(\d{1,3}))?$/.exec(input.trim());
  if (match === null) return null;
  const [, address = '', prefix] = match;
  const version = isIPv4(address) ? 4 : isIPv6(address) ? 6 : null;
  if (version === null) return null;
  if (prefix === undefined) return { value: address, version };
  // Elasticsearch refuses a block written as an IPv4-mapped IPv6 address ("::ffff:10.0.0.0/104"):
  // is the prefix a v4 or a v6 length? Refused here too, as the caller's mistake (write 10.0.0.0/8).
  if (version === 6 && isIPv4Mapped(address)) return null;
  const bits = Number(prefix);
  if (!Number.isInteger(bits) || bits < 0 || bits > (version === 4 ? 32 : 128) || (prefix.length > 1 && prefix.startsWith('0'))) return null;
  return { value: `${address}/${bits}`, version };
}

/**
 * Whether an address is in any of the filters, as Elasticsearch's `ip` field decides a term query:
 * both sides as 16 bytes, an IPv4 address as its IPv4-mapped IPv6 form (so `10.0.0.0/8` matches
 * `::ffff:10.1.2.3`, `0.0.0.0/0` every IPv4 address and `::/0` every address), host bits of a
 * block ignored. (test/ledger/filter-parity.test.ts holds both sides to this on real Elasticsearch.)
 * Filters are parsed once, here; a value that does not parse matches nothing.
 */
export function ipFilterMatcher(filters: readonly string[]): (address: string | null | undefined) => boolean {
  const blocks = filters.flatMap((filter) => {
    const [address = '', prefix] = filter.split('/');
    const bytes = sixteenBytes(address);
    if (bytes === undefined) return [];
    const bits = prefix === undefined ? 128 : Number(prefix) + (isIPv4(address) ? 96 : 0);
    return [{ bytes, bits }];
  });
  return (address) => {
    if (address === null || address === undefined || blocks.length === 0) return false;
    const bytes = sixteenBytes(address);
    return bytes !== undefined && blocks.some((block) => inPrefix(bytes, block.bytes, block.bits));
  };
}

function isIPv4Mapped(address: string): boolean {
  const bytes = parseIp(address)?.bytes;
  return bytes !== undefined && bytes.length === 16 && bytes.subarray(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

function sixteenBytes(address: string): Uint8Array | undefined {
  const parsed = parseIp(address);
  if (parsed === undefined) return undefined;
  if (parsed.family === 6) return parsed.bytes;
  const mapped = new Uint8Array(16);
  mapped[10] = 0xff;
  mapped[11] = 0xff;
  mapped.set(parsed.bytes, 12);
  return mapped;
}
