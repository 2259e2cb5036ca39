import { ALL_SCOPES } from '../../shared/auth/scopes.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/unique-name.js';
import { startApi, type ApiClient } from './support/api-client.js';
import { WebhookFixture } from './support/webhook-fixture.js';

let fixture: WebhookFixture;
let api: Awaited<ReturnType<typeof startApi>>;
/** The production policy: https only, no allow-list. */
let strictApi: Awaited<ReturnType<typeof startApi>>;
let alice: ApiClient;
let bob: ApiClient;

const publicResolver = async (host: string) => (host === 'rebind.example' ? ['10.1.2.3'] : ['93.184.216.34']);

beforeAll(async () => {
  fixture = await WebhookFixture.create();
  api = await startApi(fixture, {}, publicResolver);
  strictApi = await startApi(fixture, { WEBHOOK_ALLOW_HTTP: 'false', WEBHOOK_SSRF_ALLOW: '' }, publicResolver);
  [alice, bob] = [await api.customer(uniqueName('alice')), await api.customer(uniqueName('bob'))];
});

afterAll(async () => {
  await api?.stop();
  await strictApi?.stop();
  await fixture?.cleanup();
});

describe('webhook API: endpoints', () => {
  it('creates, reads, lists, updates and deletes an endpoint', async () => {
    const created = await alice.call('POST', '/v1/endpoints', {
      url: 'https://hooks.example.com/authlog',
      description: 'SIEM',
      filters: { results: ['denied', 'fraud'], reasons: ['out_of_date'] },
      rate_limit_per_second: 20,
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body).toMatchObject({
      url: 'https://hooks.example.com/authlog',
      description: 'SIEM',
      filters: { event_types: [], results: ['denied', 'fraud'], reasons: ['out_of_date'], applications: [] },
      rate_limit_per_second: 20,
      max_concurrency: 10,
      enabled: true,
      disabled_reason: null,
    });
    const id: string = created.body.id;

    const read = await alice.call('GET', `/v1/endpoints/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');
    expect(read.body.id).toBe(id);

    const patched = await alice.call('PATCH', `/v1/endpoints/${id}`, { description: 'SIEM (prod)', filters: { event_types: ['enrollment'] }, max_concurrency: 3 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ description: 'SIEM (prod)', max_concurrency: 3, rate_limit_per_second: 20, filters: { event_types: ['enrollment'], results: [] } });

    const more = await Promise.all([1, 2].map((n) => alice.call('POST', '/v1/endpoints', { url: `https://hooks.example.com/${n}` })));
    const first = await alice.call('GET', '/v1/endpoints?limit=2');
    // The two were created concurrently, so either may hold the smaller id: the first page is the two smallest.
    expect(first.body.data.map((endpoint: { id: string }) => endpoint.id)).toEqual([id, ...more.map((created) => created.body.id as string)].sort().slice(0, 2));
    const second = await alice.call('GET', `/v1/endpoints?limit=2&after=${first.body.next_after}`);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.next_after).toBeNull();

    expect((await alice.call('DELETE', `/v1/endpoints/${id}`)).status).toBe(204);
    expect((await alice.call('GET', `/v1/endpoints/${id}`)).status).toBe(404);
  });

  it('answers bad input with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ url: 'not a url' }, 'url'],
      [{ url: 'ftp://example.com/x' }, 'url'],
      [{ url: 'https://user:pw@example.com/x' }, 'url'],
      [{}, 'url'],
      [{ url: 'https://example.com', filters: { countries: ['US'] } }, 'filters'],
      [{ url: 'https://example.com', filters: { reasons: ['out_of_date', 'bad_weather'] } }, 'filters.reasons.1'],
      [{ url: 'https://example.com', filters: { results: 'denied' } }, 'filters.results'],
      [{ url: 'https://example.com', description: 'x'.repeat(513) }, 'description'],
      [{ url: 'https://example.com', max_concurrency: 0 }, 'max_concurrency'],
      [{ url: 'https://example.com', rate_limit_per_second: 1.5 }, 'rate_limit_per_second'],
      [{ url: 'https://example.com', secret: 'whsec_short' }, 'secret'],
      [{ url: 'https://example.com', colour: 'blue' }, '(event)'],
    ];
    for (const [body, field] of cases) {
      const answer = await alice.call('POST', '/v1/endpoints', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
      expect(answer.body.error.field, JSON.stringify(body)).toBe(field);
      expect(answer.body.error.message.length).toBeGreaterThan(5);
    }
    const broken = await alice.call('POST', '/v1/endpoints', '{"url": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error.field).toBe('(body)');
    expect((await alice.call('GET', '/v1/endpoints?limit=1000')).body.error.field).toBe('limit');
    expect((await alice.call('POST', '/v1/endpoints/ep_x/recover', { since: 'yesterday' })).body.error.field).toBe('since');
  });

  it('refuses non-public and non-https URLs with the production policy (allow-list off)', async () => {
    const carol = await strictApi.customer(uniqueName('carol'));
    for (const url of [
      'http://hooks.example.com/plain-http',
      'https://127.0.0.1/x',
      'https://2130706433/x',
      'https://0177.0.0.1/x',
      'https://0x7f.0.0.1/x',
      'https://127.1/x',
      'https://[::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://169.254.169.254/latest/meta-data/',
      'https://100.64.0.1/x',
      'https://0.0.0.0/x',
      'https://10.0.0.1/x',
      'https://192.168.1.1/x',
      'https://[fc00::1]/x',
      'https://[fe80::1]/x',
      'https://localhost/x',
      'https://intranet/x',
      'https://rebind.example/x',
    ]) {
      const answer = await carol.call('POST', '/v1/endpoints', { url });
      expect(answer.status, url).toBe(400);
      expect(answer.body.error.field, url).toBe('url');
    }
    expect((await carol.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/ok' })).status).toBe(201);
  });

  it("with the demo's exception (the receiver's host:port), refuses the rest of loopback and the blocked ports (13.6, 13.7)", async () => {
    const demo = await startApi(fixture, { WEBHOOK_SSRF_ALLOW: '127.0.0.1:7008' }, publicResolver);
    try {
      const frank = await demo.customer(uniqueName('frank'));
      expect((await frank.call('POST', '/v1/endpoints', { url: 'http://127.0.0.1:7008/hook' })).status).toBe(201);
      for (const url of ['http://127.0.0.1:9200/_bulk', 'http://127.0.0.1:9106/metrics', 'http://127.0.0.1:7005/v1/endpoints', 'http://127.0.0.1/x', 'https://hooks.example.com:6379/x', 'https://hooks.example.com:22/x']) {
        const answer = await frank.call('POST', '/v1/endpoints', { url });
        expect(answer.status, url).toBe(400);
        expect(answer.body.error.field, url).toBe('url');
      }
      expect((await frank.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com:8443/x' })).status).toBe(201);
    } finally {
      await demo.stop();
    }
  });

  it('rotates the secret: the new one and, for the grace period, the old one are active', async () => {
    const created = await alice.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/rotate' });
    const path = `/v1/endpoints/${created.body.id}/secret`;
    expect((await alice.call('GET', path)).body.secret).toBe(created.body.secret);
    const rotated = await alice.call('POST', `${path}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const expiresIn = Date.parse(rotated.body.previous_secret_expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(23.9 * 3_600_000);
    expect(expiresIn).toBeLessThanOrEqual(24 * 3_600_000);
    const secrets = (await alice.call('GET', path)).body;
    expect(secrets.secret).toBe(rotated.body.secret);
    expect(secrets.secrets.map((entry: { secret: string }) => entry.secret)).toEqual([rotated.body.secret, created.body.secret]);
    const chosen = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect((await alice.call('POST', `${path}/rotate`, { secret: chosen })).body.secret).toBe(chosen);
    expect((await alice.call('POST', `${path}/rotate`, { secret: 'nope' })).body.error.field).toBe('secret');
  });

  it('limits endpoints per account', async () => {
    const limited = await startApi(fixture, { WEBHOOK_MAX_ENDPOINTS_PER_ACCOUNT: '2' });
    try {
      const dave = await limited.customer(uniqueName('dave'));
      for (const n of [1, 2]) expect((await dave.call('POST', '/v1/endpoints', { url: `https://hooks.example.com/${n}` })).status).toBe(201);
      const third = await dave.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/3' });
      expect(third.status).toBe(409);
      expect(third.body.error.code).toBe('ENDPOINT_LIMIT_REACHED');
    } finally {
      await limited.stop();
    }
  });
});

describe('webhook API: authentication and tenant isolation', () => {
  it('requires a valid API key', async () => {
    expect((await api.anonymous().call('GET', '/v1/endpoints')).status).toBe(401);
    const revoked = await api.customer(uniqueName('eve'));
    const { keyId, token } = await api.keys.create(revoked.accountId, 'to revoke', ALL_SCOPES);
    await api.keys.revoke(keyId);
    const answer = await fetch(`${api.baseUrl}/v1/endpoints`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(401);
    expect((await fetch(`${api.baseUrl}/v1/endpoints`, { headers: { authorization: 'Bearer alk_garbage' } })).status).toBe(401);
  });

  it("never lets one account see or change another's endpoints, secrets, attempts or messages", async () => {
    const mine = await alice.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/alice-private', description: 'alice' });
    const id: string = mine.body.id;
    const unknown = 'ep_000000000doesnotexist0';
    const requests: [string, string, unknown?][] = [
      ['GET', '/v1/endpoints/:id'],
      ['PATCH', '/v1/endpoints/:id', { description: 'pwned' }],
      ['PATCH', '/v1/endpoints/:id', { disabled: true }],
      ['POST', '/v1/endpoints/:id/enable'],
      ['GET', '/v1/endpoints/:id/secret'],
      ['POST', '/v1/endpoints/:id/secret/rotate'],
      ['POST', '/v1/endpoints/:id/test'],
      ['GET', '/v1/endpoints/:id/attempts'],
      ['GET', '/v1/endpoints/:id/messages'],
      ['POST', '/v1/endpoints/:id/messages/some-message/replay'],
      ['POST', '/v1/endpoints/:id/recover', { since: new Date(Date.now() - 3_600_000).toISOString() }],
      ['DELETE', '/v1/endpoints/:id'],
    ];
    for (const [method, path, body] of requests) {
      const foreign = await bob.call(method, path.replace(':id', id), body);
      const missing = await bob.call(method, path.replace(':id', unknown), body);
      expect(foreign.status, `${method} ${path}`).toBe(404);
      expect(foreign.body, `${method} ${path}`).toEqual(missing.body);
    }
    expect((await bob.call('GET', '/v1/endpoints')).body.data.map((endpoint: { id: string }) => endpoint.id)).not.toContain(id);
    const after = await alice.call('GET', `/v1/endpoints/${id}`);
    expect(after.body).toMatchObject({ description: 'alice', enabled: true });
    expect((await alice.call('GET', `/v1/endpoints/${id}/secret`)).body.secret).toBe(mine.body.secret);
  });
});
