import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpDeliverer } from '../../services/webhook-dispatcher/src/http-deliverer.js';
import { AddressPolicy, type Resolver } from '../../shared/webhooks/ssrf/address-policy.js';
import { Receiver } from './support/receiver.js';

let v4: Receiver;
let v6: Receiver;
const deliverers: HttpDeliverer[] = [];

function deliverer(options: { allow?: string[]; allowHttp?: boolean; resolver?: Resolver } = {}): HttpDeliverer {
  const created = new HttpDeliverer({
    policy: new AddressPolicy({ allowHttp: true, ...options }),
    connectTimeoutMs: 2_000,
    timeoutMs: 3_000,
    excerptBytes: 64,
    connectionsPerOrigin: 4,
  });
  deliverers.push(created);
  return created;
}

const post = (target: HttpDeliverer, url: string) => target.post(url, { 'webhook-id': 'msg_ssrf' }, '{"type":"authlog.test"}');

beforeAll(async () => {
  v4 = await Receiver.start(() => ({ status: 200, body: 'reached' }), '127.0.0.1');
  v6 = await Receiver.start(() => ({ status: 200, body: 'reached' }), '::1');
});

afterAll(async () => {
  for (const created of deliverers) await created.close();
  await v4?.close();
  await v6?.close();
});

describe('SSRF guard at connect time (allow-list off)', () => {
  it('refuses loopback, private, link-local, metadata and reserved destinations in every notation', async () => {
    const strict = deliverer();
    const p = v4.port;
    const urls = [
      `http://127.0.0.1:${p}/`,
      `http://2130706433:${p}/`,
      `http://0177.0.0.1:${p}/`,
      `http://0x7f.0.0.1:${p}/`,
      `http://0x7f000001:${p}/`,
      `http://127.1:${p}/`,
      `http://0:${p}/`,
      `http://0.0.0.0:${p}/`,
      `http://[::1]:${v6.port}/`,
      `http://[::ffff:127.0.0.1]:${p}/`,
      `http://[::ffff:7f00:1]:${p}/`,
      `http://localhost:${p}/`,
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://100.64.0.1/',
      'http://100.127.255.254/',
      'http://10.0.0.1/',
      'http://172.16.5.4/',
      'http://192.168.1.1/',
      'http://[fc00::1]/',
      'http://[fd00:ec2::254]/',
      'http://[fe80::1]/',
      'http://224.0.0.1/',
    ];
    for (const url of urls) {
      const result = await post(strict, url);
      expect(result, url).toMatchObject({ ok: false, errorCode: 'destination_refused', statusCode: null });
      // Refused before any packet: no connect timeout was waited for.
      expect(result.latencyMs, url).toBeLessThan(1_000);
    }
    expect(v4.connections).toBe(0);
    expect(v6.connections).toBe(0);

    // Control: the same notations do reach the receivers when the allow-list admits loopback, so
    // the refusals above are the guard's doing, not unreachable URLs.
    const permissive = deliverer({ allow: ['127.0.0.0/8', '::1'] });
    const loopback = urls.filter((url) => /:\d+\/$/.test(url) && !/\/\/0[.:]/.test(url));
    expect(loopback).toHaveLength(10);
    for (const url of loopback) expect((await post(permissive, url)).ok, url).toBe(true);
    expect(v4.received.length + v6.received.length).toBe(loopback.length);
  });

  it('does not follow a redirect, so a redirect to a private address goes nowhere', async () => {
    const redirector = await Receiver.start(() => ({ status: 302, headers: { location: `http://[::1]:${v6.port}/internal` } }));
    try {
      // The allow-list admits exactly the redirecting receiver, not the address it redirects to.
      const result = await deliverer({ allow: ['127.0.0.1/32'] }).post(redirector.url(), { 'webhook-id': 'msg_redirected' }, '{}');
      expect(result).toMatchObject({ ok: false, statusCode: 302, errorCode: 'redirect_not_followed' });
      expect(result.error).toContain('[::1]');
      expect(redirector.received).toHaveLength(1);
      expect(v6.received.filter((request) => request.headers['webhook-id'] === 'msg_redirected')).toHaveLength(0);
      // With the allow-list off, the redirector itself is refused.
      expect((await post(deliverer(), redirector.url())).errorCode).toBe('destination_refused');
    } finally {
      await redirector.close();
    }
  });

  it('checks every new connection again: a name that rebinds to a private address is refused', async () => {
    const answers = ['127.0.0.1', '10.0.0.7'];
    const resolved: string[] = [];
    const resolver: Resolver = async (host) => {
      const address = answers.shift() ?? '10.0.0.7';
      resolved.push(`${host}=${address}`);
      return [address];
    };
    const closing = await Receiver.start(() => ({ status: 200, headers: { connection: 'close' } }));
    try {
      const target = deliverer({ allow: ['127.0.0.1/32'], resolver });
      const url = `http://rebind.test:${closing.port}/hook`;
      expect((await post(target, url)).ok).toBe(true);
      // The Host header is the URL's, though the socket went to the checked address.
      expect(closing.received[0]?.headers.host).toBe(`rebind.test:${closing.port}`);
      const second = await post(target, url);
      expect(second).toMatchObject({ ok: false, errorCode: 'destination_refused' });
      expect(second.error).toContain('10.0.0.7');
      expect(resolved).toEqual(['rebind.test=127.0.0.1', 'rebind.test=10.0.0.7']);
      expect(closing.received).toHaveLength(1);
    } finally {
      await closing.close();
    }
  });

  it('sends only to https unless plain http is allowed', async () => {
    const httpsOnly = new HttpDeliverer({ policy: new AddressPolicy({ allow: ['127.0.0.1/32'] }), connectTimeoutMs: 1_000, timeoutMs: 2_000, excerptBytes: 64, connectionsPerOrigin: 1 });
    deliverers.push(httpsOnly);
    const before = v4.connections;
    expect((await post(httpsOnly, v4.url())).errorCode).toBe('insecure_url');
    expect(v4.connections).toBe(before);
    const allowed = await post(deliverer({ allow: ['127.0.0.1/32'] }), v4.url());
    expect(allowed).toMatchObject({ ok: true, statusCode: 200, responseExcerpt: 'reached' });
  });

  it('keeps only an excerpt of a large response and times out a hanging one', async () => {
    const chatty = await Receiver.start((_request, n) => (n === 1 ? { status: 200, body: 'x'.repeat(100_000) } : 'hang'));
    try {
      const target = deliverer({ allow: ['127.0.0.1/32'] });
      const big = await post(target, chatty.url());
      expect(big.ok).toBe(true);
      expect(big.responseExcerpt).toHaveLength(64);
      const hung = await post(target, chatty.url());
      expect(hung).toMatchObject({ ok: false, errorCode: 'timeout' });
      expect(hung.latencyMs).toBeGreaterThanOrEqual(2_900);
    } finally {
      await chatty.close();
    }
  });
});
