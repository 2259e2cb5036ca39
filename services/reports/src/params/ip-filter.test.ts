import { describe, expect, it } from 'vitest';
import { parseIpFilter } from './ip-filter.js';

describe('IP filters', () => {
  it('accepts addresses and CIDR blocks, refuses everything else', () => {
    expect(parseIpFilter('203.0.113.7')).toEqual({ value: '203.0.113.7', version: 4 });
    expect(parseIpFilter('203.0.113.0/24')).toEqual({ value: '203.0.113.0/24', version: 4 });
    expect(parseIpFilter('2001:db8::/32')).toEqual({ value: '2001:db8::/32', version: 6 });
    expect(parseIpFilter('::ffff:10.0.0.1')).toEqual({ value: '::ffff:10.0.0.1', version: 6 });
    for (const bad of ['300.1.1.1', '10.0.0.0/33', '10.0.0.0/08', '10.0.0.0/', 'example.com', '10.0.0.0/24 OR *', '2001:db8::/129', '*']) expect(parseIpFilter(bad)).toBeNull();
  });

});
