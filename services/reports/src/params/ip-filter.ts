import { isIPv4, isIPv6 } from 'node:net';

/** An address or a CIDR block, normalised, ready for a term query on an `ip` field. */
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
  const bits = Number(prefix);
  if (!Number.isInteger(bits) || bits < 0 || bits > (version === 4 ? 32 : 128) || (prefix.length > 1 && prefix.startsWith('0'))) return null;
  return { value: `${address}/${bits}`, version };
}
