import { describe, expect, it } from 'vitest';
import { DestinationRefusedError } from '../errors/destination-refused-error.js';
import { AddressPolicy, DEFAULT_BLOCKED_PORTS } from './address-policy.js';
import { endpointUrlProblem } from './endpoint-url.js';
import { guardedConnector } from './guarded-connector.js';
import { nonPublicReason, parseIp } from './ip-address.js';

const strict = new AddressPolicy();
const refused = (address: string) => strict.refusalFor(address) !== undefined;

describe('non-public addresses', () => {
  it('refuses every special-purpose IPv4 range and accepts public ones', () => {
    for (const address of [
      '0.0.0.0', '0.1.2.3', '10.0.0.1', '100.64.0.1', '100.127.255.254', '127.0.0.1', '127.255.255.255', '169.254.169.254',
      '172.16.0.1', '172.31.255.255', '192.0.0.8', '192.0.2.1', '192.168.1.1', '198.18.0.1', '198.51.100.7', '203.0.113.9',
      '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
    ]) expect(refused(address), address).toBe(true);
    for (const address of ['8.8.8.8', '1.1.1.1', '100.63.255.255', '100.128.0.1', '172.15.255.255', '172.32.0.1', '93.184.216.34']) {
      expect(refused(address), address).toBe(false);
    }
  });

  it('refuses loopback, unspecified, mapped, ULA, link-local, multicast and non-global IPv6', () => {
    for (const address of [
      '::1', '::', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:8.8.8.8', '::127.0.0.1', 'fc00::1', 'fd12:3456::1', 'fe80::1',
      'fe80::1%eth0', 'febf::1', 'fec0::1', 'ff02::1', '2001:db8::1', '2001::1', '64:ff9b::a00:1', '64:ff9b:1::1', '2002:7f00:1::1',
      '2002:a9fe:a9fe::1', '100::1', '1::1',
    ]) expect(refused(address), address).toBe(true);
    for (const address of ['2606:4700:4700::1111', '2a00:1450:4001:81b::200e', '64:ff9b::808:808', '2002:808:808::1']) {
      expect(refused(address), address).toBe(false);
    }
  });

  it('parses IPv6 with embedded IPv4 and compressed zeros to the right bytes', () => {
    expect(parseIp('::ffff:1.2.3.4')?.bytes).toEqual(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]));
    expect(parseIp('[fe80::1]')?.bytes[0]).toBe(0xfe);
    expect(parseIp('1:2:3:4:5:6:7:8')?.bytes[15]).toBe(8);
    expect(parseIp('example.com')).toBeUndefined();
    expect(nonPublicReason(parseIp('169.254.169.254')!)).toMatch(/metadata/);
  });
});

describe('AddressPolicy', () => {
  it('exempts only what the allow-list names', () => {
    const policy = new AddressPolicy({ allow: ['127.0.0.1/32', '::1', 'receiver.test'] });
    expect(policy.refusalFor('127.0.0.1')).toBeUndefined();
    expect(policy.refusalFor('::ffff:127.0.0.1')).toBeUndefined();
    expect(policy.refusalFor('::1')).toBeUndefined();
    expect(policy.refusalFor('127.0.0.2')).toMatch(/loopback/);
    expect(policy.refusalFor('10.0.0.1')).toMatch(/private/);
    expect(policy.isHostExempt('Receiver.TEST')).toBe(true);
    expect(() => new AddressPolicy({ allow: ['10.0.0.0/33'] })).toThrow(RangeError);
    expect(() => new AddressPolicy({ allow: ['not a host!'] })).toThrow(RangeError);
  });

  it('resolves names and connects only to an allowed address, checking again on every call', async () => {
    const answers = [['93.184.216.34'], ['10.0.0.7'], ['127.0.0.1', '8.8.8.8']];
    const policy = new AddressPolicy({ resolver: async () => answers.shift() ?? [] });
    expect(await policy.resolveAllowed('rebind.example')).toBe('93.184.216.34');
    // The same name now answers a private address (DNS rebinding): refused.
    await expect(policy.resolveAllowed('rebind.example')).rejects.toBeInstanceOf(DestinationRefusedError);
    expect(await policy.resolveAllowed('mixed.example')).toBe('8.8.8.8');
    await expect(policy.resolveAllowed('[::1]')).rejects.toThrow(/loopback/);
    await expect(new AddressPolicy().resolveAllowed('localhost')).rejects.toThrow(/non-public/);
  });
});

describe('AddressPolicy: host:port exceptions and blocked ports (issue 13.6, 13.7)', () => {
  const demo = new AddressPolicy({ allow: ['127.0.0.1:7008', 'demo-receiver:7008'], allowHttp: true, blockedPorts: DEFAULT_BLOCKED_PORTS, resolver: async (host) => (host === 'demo-receiver' ? ['172.18.0.5'] : ['93.184.216.34']) });

  it("exempts only the demo receiver's host and port, not the rest of 127.0.0.1", async () => {
    expect(demo.refusalFor('127.0.0.1', 7008)).toBeUndefined();
    expect(demo.refusalFor('::ffff:127.0.0.1', 7008)).toBeUndefined();
    expect(demo.refusalFor('127.0.0.1', 9200)).toMatch(/9200/);
    expect(demo.refusalFor('127.0.0.1', 9106)).toMatch(/loopback/);
    expect(demo.refusalFor('127.0.0.2', 7008)).toMatch(/loopback/);
    expect(await demo.resolveAllowed('127.0.0.1', 7008)).toBe('127.0.0.1');
    await expect(demo.resolveAllowed('127.0.0.1', 9106)).rejects.toBeInstanceOf(DestinationRefusedError);
    expect(await demo.resolveAllowed('demo-receiver', 7008)).toBe('172.18.0.5');
    await expect(demo.resolveAllowed('demo-receiver', 9200)).rejects.toThrow(/9200/);
    await expect(demo.resolveAllowed('demo-receiver', 8080)).rejects.toThrow(/non-public/);
    const problem = (url: string) => endpointUrlProblem(url, demo, async (host) => (host === 'demo-receiver' ? ['172.18.0.5'] : ['93.184.216.34']));
    expect(await problem('http://127.0.0.1:7008/hook')).toBeUndefined();
    expect(await problem('http://demo-receiver:7008/hook')).toBeUndefined();
    for (const url of ['http://127.0.0.1:9200/_bulk', 'http://127.0.0.1:9106/metrics', 'http://127.0.0.1/x', 'http://demo-receiver:9092/']) expect(await problem(url), url).toBeDefined();
  });

  it('refuses well-known non-HTTP ports on public addresses, when saved and at connect time', async () => {
    const strict = new AddressPolicy({ blockedPorts: DEFAULT_BLOCKED_PORTS, resolver: async () => ['93.184.216.34'] });
    for (const port of [22, 25, 3306, 5432, 6379, 9092, 9200, 11211]) {
      expect(await endpointUrlProblem(`https://hooks.example.com:${port}/x`, strict, async () => ['93.184.216.34']), String(port)).toMatch(new RegExp(`port ${port}`));
      expect(await endpointUrlProblem(`https://93.184.216.34:${port}/x`, strict, async () => []), String(port)).toMatch(new RegExp(`port ${port}`));
      await expect(strict.resolveAllowed('hooks.example.com', port)).rejects.toThrow(new RegExp(`port ${port}`));
    }
    expect(await endpointUrlProblem('https://hooks.example.com/x', strict, async () => ['93.184.216.34'])).toBeUndefined();
    expect(await endpointUrlProblem('https://hooks.example.com:8443/x', strict, async () => ['93.184.216.34'])).toBeUndefined();
    // The connector checks the port it connects to, whatever the URL said when it was saved.
    const connect = guardedConnector(strict, { connectTimeoutMs: 1_000 });
    const refusal = await new Promise<Error | null>((resolve) => connect({ hostname: 'hooks.example.com', host: 'hooks.example.com', protocol: 'https:', port: '6379' }, (...args) => resolve(args[0])));
    expect(refusal).toBeInstanceOf(DestinationRefusedError);
    expect(refusal?.message).toMatch(/6379/);
    expect(() => new AddressPolicy({ allow: ['127.0.0.1:70000'] })).toThrow(RangeError);
  });
});
