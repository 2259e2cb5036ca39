import { describe, expect, it } from 'vitest';
import { CustomHeaders } from '../../../shared/webhooks/headers/custom-headers.js';
import { REDACTED, RequestHeaders } from './request-headers.js';

const signed = { 'webhook-id': 'msg "1"', 'webhook-timestamp': '1765000000', 'webhook-signature': 'v1,abc= v1,def=' };

describe('RequestHeaders', () => {
  it('logs exactly the headers sent, with every custom value redacted', () => {
    const headers = new RequestHeaders('ua/1');
    const custom = new CustomHeaders([
      ['Authorization', 'Splunk secret-token'],
      ['X-Index', 'idx "quoted"'],
    ]);
    const sent = headers.forRequest(custom, signed);
    const logged = JSON.parse(headers.logged(custom, signed)) as Record<string, string>;
    expect(Object.keys(logged)).toEqual(Object.keys(sent));
    expect(logged).toEqual({ ...sent, authorization: REDACTED, 'x-index': REDACTED });
    expect(sent).toMatchObject({ authorization: 'Splunk secret-token', 'content-type': 'application/json', 'user-agent': 'ua/1', ...signed });
    expect(headers.logged(custom, signed)).not.toContain('secret-token');
  });

  it('logs the same shape without custom headers, and for an endpoint with none', () => {
    const headers = new RequestHeaders('ua/1');
    const expected = { 'content-type': 'application/json', 'user-agent': 'ua/1', ...signed };
    expect(JSON.parse(headers.logged(undefined, signed))).toEqual(expected);
    expect(JSON.parse(headers.logged(CustomHeaders.NONE, signed))).toEqual(expected);
  });

  it('stays cheap on the hot path (one serialisation of the shared part per endpoint)', () => {
    const headers = new RequestHeaders('ua/1');
    const custom = new CustomHeaders([['Authorization', 'Splunk t']]);
    const started = performance.now();
    for (let n = 0; n < 100_000; n += 1) headers.logged(custom, { ...signed, 'webhook-timestamp': String(n) });
    // ~0.3 µs each on a laptop; a generous bound for a loaded CI machine.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
