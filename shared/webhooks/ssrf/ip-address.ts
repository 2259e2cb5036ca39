import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP addresses as bytes, and whether one is a public unicast destination. Works on the canonical
 * text forms that DNS answers and the WHATWG URL parser produce (the parser already turns
 * `http://2130706433`, `http://0x7f.1` and `http://0177.0.0.1` into 127.0.0.1, and
 * `[::ffff:127.0.0.1]` into [::ffff:7f00:1]); anything else is not an address.
 */
export type IpBytes = { readonly family: 4; readonly bytes: Uint8Array } | { readonly family: 6; readonly bytes: Uint8Array };

export function parseIp(text: string): IpBytes | undefined {
  const address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIPv4(address)) return { family: 4, bytes: Uint8Array.from(address.split('.').map(Number)) };
  if (isIPv6(address)) return { family: 6, bytes: parseIPv6(address.replace(/%.*$/, '')) };
  return undefined;
}

function parseIPv6(address: string): Uint8Array {
  let text = address;
  const tail: number[] = [];
  // A trailing dotted quad (::ffff:1.2.3.4) is the last 32 bits.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split('.').map(Number);
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, -dotted[1].length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const [head = '', rest] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const left = groups(head);
  const right = [...(rest === undefined ? [] : groups(rest)), ...tail];
  const zeros = rest === undefined && tail.length === 0 ? 0 : 8 - left.length - right.length;
  const all = rest === undefined ? [...left, ...right] : [...left, ...Array<number>(zeros).fill(0), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((group, index) => {
    bytes[index * 2] = (group >> 8) & 0xff;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** Whether the first `bits` bits of `address` equal those of `prefix` (both of one family). */
export function inPrefix(address: Uint8Array, prefix: Uint8Array, bits: number): boolean {
  for (let bit = 0; bit < bits; bit += 8) {
    const take = Math.min(8, bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    const index = bit / 8;
    if (((address[index] ?? 0) & mask) !== ((prefix[index] ?? 0) & mask)) return false;
  }
  return true;
}

const v4 = (text: string) => Uint8Array.from(text.split('.').map(Number));
const v6 = (text: string) => parseIPv6(text);

/** Non-public IPv4 ranges (IANA special-purpose registry), with the reason a refusal reports. */
const IPV4_BLOCKED: readonly (readonly [Uint8Array, number, string])[] = [
  [v4('0.0.0.0'), 8, '"this network" (0.0.0.0/8)'],
  [v4('10.0.0.0'), 8, 'private (10.0.0.0/8)'],
  [v4('100.64.0.0'), 10, 'shared address space (100.64.0.0/10)'],
  [v4('127.0.0.0'), 8, 'loopback (127.0.0.0/8)'],
  [v4('169.254.0.0'), 16, 'link-local, cloud metadata (169.254.0.0/16)'],
  [v4('172.16.0.0'), 12, 'private (172.16.0.0/12)'],
  [v4('192.0.0.0'), 24, 'IETF protocol assignments (192.0.0.0/24)'],
  [v4('192.0.2.0'), 24, 'documentation (192.0.2.0/24)'],
  [v4('192.88.99.0'), 24, '6to4 relay (192.88.99.0/24)'],
  [v4('192.168.0.0'), 16, 'private (192.168.0.0/16)'],
  [v4('198.18.0.0'), 15, 'benchmarking (198.18.0.0/15)'],
  [v4('198.51.100.0'), 24, 'documentation (198.51.100.0/24)'],
  [v4('203.0.113.0'), 24, 'documentation (203.0.113.0/24)'],
  [v4('224.0.0.0'), 4, 'multicast (224.0.0.0/4)'],
  [v4('240.0.0.0'), 4, 'reserved or broadcast (240.0.0.0/4)'],
];

const IPV6_BLOCKED: readonly (readonly [Uint8Array, number, string])[] = [
  [v6('::'), 128, 'unspecified (::)'],
  [v6('::1'), 128, 'loopback (::1)'],
  [v6('::ffff:0:0'), 96, 'IPv4-mapped IPv6 (::ffff:0:0/96)'],
  [v6('::'), 96, 'IPv4-compatible IPv6 (::/96)'],
  [v6('64:ff9b:1::'), 48, 'local-use NAT64 (64:ff9b:1::/48)'],
  [v6('100::'), 64, 'discard (100::/64)'],
  [v6('2001::'), 23, 'IETF protocol assignments, Teredo (2001::/23)'],
  [v6('2001:db8::'), 32, 'documentation (2001:db8::/32)'],
  [v6('fc00::'), 7, 'unique local (fc00::/7)'],
  [v6('fe80::'), 10, 'link-local (fe80::/10)'],
  [v6('fec0::'), 10, 'site-local (fec0::/10)'],
  [v6('ff00::'), 8, 'multicast (ff00::/8)'],
];

/** Why `address` is not a public unicast destination, or undefined when it is one. */
export function nonPublicReason(address: IpBytes): string | undefined {
  if (address.family === 4) return IPV4_BLOCKED.find(([prefix, bits]) => inPrefix(address.bytes, prefix, bits))?.[2];
  const blocked = IPV6_BLOCKED.find(([prefix, bits]) => inPrefix(address.bytes, prefix, bits));
  if (blocked !== undefined) return blocked[2];
  // Translation prefixes carry an IPv4 address: judge that one.
  if (inPrefix(address.bytes, v6('64:ff9b::'), 96)) return embedded(address.bytes.slice(12, 16), 'NAT64');
  // Otherwise only global unicast (2000::/3) is routable on the internet.
  if (!inPrefix(address.bytes, v6('2000::'), 3)) return 'not global unicast IPv6 (outside 2000::/3)';
  if (inPrefix(address.bytes, v6('2002::'), 16)) return embedded(address.bytes.slice(2, 6), '6to4');
  return undefined;
}

function embedded(bytes: Uint8Array, how: string): string | undefined {
  const reason = nonPublicReason({ family: 4, bytes });
  return reason === undefined ? undefined : `${how} address embedding ${reason}`;
}
