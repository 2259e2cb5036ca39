import { describe, expect, it } from 'vitest';
import { ipFilterMatcher, parseIpFilter } from './ip-filter.js';

describe('IP filters', () => {
  it('accepts addresses and CIDR blocks, refuses everything else', () => {
    expect(parseIpFilter('203.0.113.7')).toEqual({ value: '203.0.113.7', version: 4 });
    expect(parseIpFilter('203.0.113.0/24')).toEqual({ value: '203.0.113.0/24', version: 4 });
    expect(parseIpFilter('2001:db8::/32')).toEqual({ value: '2001:db8::/32', version: 6 });
    expect(parseIpFilter('::ffff:10.0.0.1')).toEqual({ value: '::ffff:10.0.0.1', version: 6 });
    // A block written as an IPv4-mapped IPv6 address is ambiguous, and Elasticsearch refuses it.
    for (const bad of ['::ffff:0:0/96', '::ffff:10.0.0.0/104', '::ffff:10.0.0.0/8', '300.1.1.1', '10.0.0.0/33', '10.0.0.0/08', '10.0.0.0/', 'example.com', '10.0.0.0/24 OR *', '2001:db8::/129', '*']) expect(parseIpFilter(bad)).toBeNull();
  });

});

describe('IP filter matching (the semantics of an Elasticsearch ip field)', () => {
  it('matches addresses and blocks of both families, IPv4 as IPv4-mapped IPv6', () => {
    const matches = ipFilterMatcher(['10.0.0.0/8', '203.0.113.7', '2001:db8::/32']);
    for (const inside of ['10.1.2.3', '10.255.255.255', '203.0.113.7', '2001:db8::1', '2001:0db8:ffff::', '::ffff:10.9.9.9', '::ffff:a01:203']) expect(matches(inside), inside).toBe(true);
    for (const outside of ['11.0.0.1', '203.0.113.8', '2001:db9::1', '::1', 'not-an-ip', '', null, undefined]) expect(matches(outside), String(outside)).toBe(false);
    expect(ipFilterMatcher(['::ffff:10.200.0.1'])('10.200.0.1')).toBe(true);
    expect(ipFilterMatcher(['0.0.0.0/0'])('2001:db8::1')).toBe(false);
    // Host bits of a block are ignored, /0 matches everything, an empty list nothing.
    expect(ipFilterMatcher(['10.1.2.3/8'])('10.200.0.1')).toBe(true);
    expect(ipFilterMatcher(['0.0.0.0/0'])('198.51.100.1')).toBe(true);
    expect(ipFilterMatcher(['::/0'])('2001:db8::5')).toBe(true);
    expect(ipFilterMatcher([])('10.0.0.1')).toBe(false);
  });
});
