import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/unique-name.js';
import { testSettings } from '../support/settings.js';
import { createRedis } from '../../shared/redis/create-redis.js';
import { redisConnection } from '../../shared/redis/redis-connection.js';
import { ApiClient, startApi } from './support/api-client.js';
import { WebhookFixture } from './support/webhook-fixture.js';

let fixture: WebhookFixture;
let api: Awaited<ReturnType<typeof startApi>>;
/** A second instance that trusts cached keys for 30 s: only the revocation feed can make it refuse one sooner. */
let other: Awaited<ReturnType<typeof startApi>>;

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

beforeAll(async () => {
  fixture = await WebhookFixture.create();
  api = await startApi(fixture, { WEBHOOK_API_KEY_CACHE_MS: '30000' });
  other = await startApi(fixture, { WEBHOOK_API_KEY_CACHE_MS: '30000' });
});

afterAll(async () => {
  await api?.stop();
  await other?.stop();
  await fixture?.cleanup();
});

const on = (instance: typeof api, client: ApiClient, token: string) => new ApiClient(instance.baseUrl, client.accountId, token);

describe('API key scopes on the webhook API', () => {
  it('refuses a key without the route\'s scope with 403 INSUFFICIENT_SCOPE naming it', async () => {
    const account = uniqueName('scoped');
    const reader = await api.customer(account, ['webhooks:read']);
    const logs = await api.customer(account, ['logs:read']);
    expect((await reader.call('GET', '/v1/endpoints')).status).toBe(200);
    expect((await reader.call('GET', '/v1/event-types')).status).toBe(200);
    const refused = await reader.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/a' });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'INSUFFICIENT_SCOPE' } } });
    expect(refused.body.error.message).toContain('webhooks:write');
    // The signing secret is a credential: reading it needs write.
    expect((await reader.call('GET', '/v1/endpoints/ep_x/secret')).body.error.message).toContain('webhooks:write');
    expect((await reader.call('GET', '/v1/api-keys')).body.error).toMatchObject({ code: 'INSUFFICIENT_SCOPE', message: expect.stringContaining('keys:admin') });
    expect((await reader.call('GET', '/v1/audit-log')).status).toBe(403);
    const wrongApi = await logs.call('GET', '/v1/endpoints');
    expect(wrongApi).toMatchObject({ status: 403, body: { error: { code: 'INSUFFICIENT_SCOPE' } } });
    expect(wrongApi.body.error.message).toContain('webhooks:read');
    const response = await fetch(`${api.baseUrl}/v1/endpoints`, { headers: { authorization: `Bearer ${logs.token}` } });
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="webhooks:read"');
  });
});

describe('key management', () => {
  it('creates a key with some of the caller\'s scopes, shows its token once, lists without secrets', async () => {
    const admin = await api.customer(uniqueName('keys'));
    const created = await admin.call('POST', '/v1/api-keys', { name: 'SIEM reader', scopes: ['webhooks:read', 'logs:read'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'SIEM reader', scopes: ['logs:read', 'webhooks:read'], revoked_at: null });
    expect(created.body.token).toMatch(new RegExp(`^alk_${created.body.id}_[A-Za-z0-9_-]{43}$`));
    const minted = new ApiClient(api.baseUrl, admin.accountId, created.body.token);
    expect((await minted.call('GET', '/v1/endpoints')).status).toBe(200);
    expect((await minted.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/a' })).status).toBe(403);

    const listed = await admin.call('GET', '/v1/api-keys');
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((key: { id: string }) => key.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain('alk_');
    expect(listed.body.data.every((key: object) => !('token' in key))).toBe(true);

    const bad = await admin.call('POST', '/v1/api-keys', { name: 'x', scopes: ['logs:read', 'logs:read'] });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', field: 'scopes' } } });
    expect((await admin.call('POST', '/v1/api-keys', { name: '', scopes: ['logs:read'] })).body.error.field).toBe('name');
  });

  it('never keeps a new key\'s token for an Idempotency-Key: a retry makes another key', async () => {
    const admin = await api.customer(uniqueName('idem'));
    const headers = { 'idempotency-key': uniqueName('k') };
    const first = await admin.call('POST', '/v1/api-keys', { name: 'retried', scopes: ['logs:read'] }, headers);
    const second = await admin.call('POST', '/v1/api-keys', { name: 'retried', scopes: ['logs:read'] }, headers);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).not.toBe(first.body.id);
    const redis = createRedis(redisConnection(testSettings), { maxRetriesPerRequest: 1 });
    try {
      const stored = await redis.keys(`${fixture.prefix}:idempotency:*`);
      for (const key of stored) expect(await redis.get(key)).not.toContain(first.body.token);
    } finally {
      await redis.quit();
    }
  });

  it('a key cannot grant a scope it does not hold', async () => {
    const account = uniqueName('grant');
    await api.customer(account);
    const limitedAdmin = await api.customer(account, ['keys:admin', 'logs:read']);
    const refused = await limitedAdmin.call('POST', '/v1/api-keys', { name: 'writer', scopes: ['webhooks:write'] });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'INSUFFICIENT_SCOPE', field: 'scopes' } } });
    expect(refused.body.error.message).toContain('webhooks:write');
    expect((await limitedAdmin.call('POST', '/v1/api-keys', { name: 'reader', scopes: ['logs:read'] })).status).toBe(201);
  });

  it('revokes at once on every instance, though the other instance had the key cached', async () => {
    const admin = await api.customer(uniqueName('revoke'));
    const created = await admin.call('POST', '/v1/api-keys', { name: 'short-lived', scopes: ['webhooks:read'] });
    const here = on(api, admin, created.body.token);
    const there = on(other, admin, created.body.token);
    expect((await here.call('GET', '/v1/endpoints')).status).toBe(200);
    expect((await there.call('GET', '/v1/endpoints')).status).toBe(200);
    const revoked = await admin.call('POST', `/v1/api-keys/${created.body.id}/revoke`, {});
    expect(revoked).toMatchObject({ status: 200, body: { id: created.body.id, revoked_at: expect.any(String) } });
    // The notice travels through Redis; allow it a moment, far below the 30 s cache.
    await expect.poll(async () => (await there.call('GET', '/v1/endpoints')).status, { timeout: 1_000, interval: 20 }).toBe(401);
    expect((await here.call('GET', '/v1/endpoints')).status).toBe(401);
    // Again: no change, same answer.
    expect((await admin.call('POST', `/v1/api-keys/${created.body.id}/revoke`, {})).body.revoked_at).toBe(revoked.body.revoked_at);
  });

  it('refuses to revoke the account\'s last admin key (409), and allows it once there is another', async () => {
    const admin = await api.customer(uniqueName('last'));
    const ownId = admin.token!.slice(4, 20);
    const last = await admin.call('POST', `/v1/api-keys/${ownId}/revoke`, {});
    expect(last).toMatchObject({ status: 409, body: { error: { code: 'LAST_ADMIN_KEY' } } });
    expect((await admin.call('GET', '/v1/api-keys')).status).toBe(200);
    const second = await admin.call('POST', '/v1/api-keys', { name: 'second admin', scopes: ['keys:admin'] });
    expect((await admin.call('POST', `/v1/api-keys/${ownId}/revoke`, {})).status).toBe(200);
    expect((await admin.call('GET', '/v1/api-keys')).status).toBe(401);
    const secondAdmin = new ApiClient(api.baseUrl, admin.accountId, second.body.token);
    expect((await secondAdmin.call('POST', `/v1/api-keys/${second.body.id}/revoke`, {})).status).toBe(409);
  });

  it('two admin keys revoking each other at once leave one of them (the account is never locked out)', async () => {
    for (let round = 0; round < 5; round += 1) {
      const account = uniqueName('race');
      const [one, two] = [await api.customer(account, ['keys:admin']), await api.customer(account, ['keys:admin'])];
      const [oneId, twoId] = [one.token!.slice(4, 20), two.token!.slice(4, 20)];
      const answers = await Promise.all([one.call('POST', `/v1/api-keys/${twoId}/revoke`, {}), two.call('POST', `/v1/api-keys/${oneId}/revoke`, {})]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
      const survivor = answers[0]!.status === 200 ? one : two;
      expect((await survivor.call('GET', '/v1/api-keys')).body.data.filter((key: { revoked_at: string | null }) => key.revoked_at === null)).toHaveLength(1);
    }
  });

  it('keeps accounts apart: another account\'s keys and audit entries are invisible and cannot be revoked', async () => {
    const alice = await api.customer(uniqueName('alice'));
    const mallory = await api.customer(uniqueName('mallory'));
    const victim = await alice.call('POST', '/v1/api-keys', { name: 'victim', scopes: ['logs:read'] });
    expect((await mallory.call('GET', '/v1/api-keys')).body.data.map((key: { id: string }) => key.id)).not.toContain(victim.body.id);
    const foreign = await mallory.call('POST', `/v1/api-keys/${victim.body.id}/revoke`, {});
    const unknown = await mallory.call('POST', '/v1/api-keys/AAAAAAAAAAAAAAAA/revoke', {});
    expect(foreign).toEqual(unknown);
    expect(foreign.status).toBe(404);
    expect((await new ApiClient(api.baseUrl, alice.accountId, victim.body.token).call('GET', '/v1/endpoints')).status).toBe(403);
    // Mallory's log holds her own attempts (the refused revoke, 404) and nothing of Alice's.
    const entries = (await mallory.call('GET', '/v1/audit-log')).body.data as { key_id: string; action: string; status: number }[];
    expect(entries.map((entry) => [entry.action, entry.status, entry.key_id])).toEqual([
      ['api_key.revoke', 404, mallory.token!.slice(4, 20)],
      ['api_key.revoke', 404, mallory.token!.slice(4, 20)],
    ]);
    expect((await alice.call('GET', '/v1/audit-log')).body.data).toMatchObject([{ action: 'api_key.create', target_id: victim.body.id }]);
  });
});

describe('audit log', () => {
  it('records every change to endpoints, secrets and keys: who, what, the fields and the answer, never a value', async () => {
    const admin = await api.customer(uniqueName('audit'));
    const keyId = admin.token!.slice(4, 20);
    const created = await admin.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/audit', description: 'a description value', secret: SECRET });
    const id: string = created.body.id;
    expect((await admin.call('PATCH', `/v1/endpoints/${id}`, { description: 'new text', filters: { results: ['denied'] } })).status).toBe(200);
    expect((await admin.call('PATCH', `/v1/endpoints/${id}`, { disabled: true })).status).toBe(200);
    expect((await admin.call('POST', `/v1/endpoints/${id}/enable`, {})).status).toBe(200);
    const rotated = await admin.call('POST', `/v1/endpoints/${id}/secret/rotate`, { secret: SECRET.replace('Bwc', 'Bwd') });
    expect(rotated.status).toBe(200);
    expect((await admin.call('PATCH', `/v1/endpoints/${id}`, { url: 'ftp://nowhere' })).status).toBe(400);
    expect((await admin.call('DELETE', `/v1/endpoints/${id}`)).status).toBe(204);
    const key = await admin.call('POST', '/v1/api-keys', { name: 'a key name', scopes: ['webhooks:read'] });
    expect((await admin.call('POST', `/v1/api-keys/${key.body.id}/revoke`, {})).status).toBe(200);
    const reader = new ApiClient(api.baseUrl, admin.accountId, (await api.customer(admin.accountId, ['webhooks:read'])).token);
    expect((await reader.call('DELETE', `/v1/endpoints/${id}`)).status).toBe(403);

    const log = await admin.call('GET', '/v1/audit-log');
    expect(log.status).toBe(200);
    const entries = [...log.body.data].reverse() as Record<string, unknown>[];
    const readerId = reader.token!.slice(4, 20);
    expect(entries.map((entry) => [entry.action, entry.target_id, entry.fields, entry.status, entry.error_code, entry.key_id])).toEqual([
      ['endpoint.create', id, ['url', 'description', 'secret'], 201, null, keyId],
      ['endpoint.update', id, ['description', 'filters.results'], 200, null, keyId],
      ['endpoint.disable', id, ['disabled'], 200, null, keyId],
      ['endpoint.enable', id, [], 200, null, keyId],
      ['endpoint.secret.rotate', id, ['secret'], 200, null, keyId],
      ['endpoint.update', id, ['url'], 400, 'VALIDATION_FAILED', keyId],
      ['endpoint.delete', id, [], 204, null, keyId],
      ['api_key.create', key.body.id, ['name', 'scopes'], 201, null, keyId],
      ['api_key.revoke', key.body.id, [], 200, null, keyId],
      ['endpoint.delete', id, [], 403, 'INSUFFICIENT_SCOPE', readerId],
    ]);
    expect(entries[0]).toMatchObject({ method: 'POST', route: '/v1/endpoints', occurred_at: expect.any(String) });
    // No value sent or answered is kept: not the secrets, the token, the URL, the description, the key name.
    const stored = JSON.stringify(await fixture.db.withTables<{ audit_log: Record<string, unknown> }>().selectFrom('audit_log').selectAll().where('account_id', '=', admin.accountId).execute());
    for (const value of [SECRET, rotated.body.secret, created.body.secret, key.body.token, 'hooks.example.com', 'a description value', 'new text', 'a key name', 'denied']) {
      expect(stored).not.toContain(value);
      expect(JSON.stringify(log.body)).not.toContain(value);
    }
  });

  it('pages newest first with a cursor', async () => {
    const admin = await api.customer(uniqueName('pages'));
    for (const n of [1, 2, 3]) await admin.call('POST', '/v1/endpoints', { url: `https://hooks.example.com/${n}` });
    const first = await admin.call('GET', '/v1/audit-log?limit=2');
    expect(first.body.data).toHaveLength(2);
    expect(first.body.next_before).toBe(first.body.data[1].id);
    const rest = await admin.call('GET', `/v1/audit-log?limit=2&before=${first.body.next_before}`);
    expect(rest.body).toMatchObject({ data: [{ action: 'endpoint.create' }], next_before: null });
    expect(Number(rest.body.data[0].id)).toBeLessThan(Number(first.body.data[1].id));
  });

  it('changes nothing when the entry cannot be written (503), so no change goes unrecorded', async () => {
    const admin = await api.customer(uniqueName('noaudit'));
    const table = `audit_log_away_${Date.now()}`;
    await sql`RENAME TABLE audit_log TO ${sql.raw(table)}`.execute(fixture.db);
    try {
      const refused = await admin.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/unrecorded' });
      expect(refused).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE', retryable: true } } });
    } finally {
      await sql`RENAME TABLE ${sql.raw(table)} TO audit_log`.execute(fixture.db);
    }
    expect((await admin.call('GET', '/v1/endpoints')).body.data).toEqual([]);
  });
});
