import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../shared/crypto/key-ring.js';
import { NO_FILTERS } from '../../shared/webhooks/endpoint-filters.js';
import { EndpointStore } from '../../shared/webhooks/endpoint-store.js';
import { openHeaderPairs, openHeaders } from '../../shared/webhooks/headers/sealed-headers.js';
import type { WebhooksDatabase } from '../../shared/webhooks/webhook-tables.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const ROTATE = resolve(import.meta.dirname, '..', '..', 'dist', 'scripts', 'rotate-secrets-key.js');
const k1 = KeyRing.generateEntry('k1');
const k2 = KeyRing.generateEntry('k2');
const TOKEN = `Splunk ${crypto.randomUUID()}`;
let database: TestDatabase;
let db: Kysely<WebhooksDatabase>;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db as unknown as Kysely<WebhooksDatabase>;
});
afterAll(() => database?.drop());

const rotate = (keys: string, ...args: string[]) => {
  const result = spawnSync(process.execPath, [ROTATE, ...args], { env: { PATH: process.env.PATH ?? '', AUTHLOG_MYSQL_URL: database.url, AUTHLOG_ENCRYPTION_KEYS: keys }, encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr };
};
const row = (id: string) => db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const input = { url: 'https://hooks.example.com/x', description: '', filters: NO_FILTERS, rateLimitPerSecond: null, maxConcurrency: 5 };

describe('custom headers at rest', () => {
  it('are sealed per endpoint under the current key, and an opened set never shows its values when logged', async () => {
    const keys = KeyRing.parse(k1);
    const endpoints = new EndpointStore(db, keys);
    const { endpoint } = await endpoints.create('acct_headers', { ...input, headers: [['Authorization', TOKEN]] });
    expect(endpoint.headerNames).toEqual(['Authorization']);
    const stored = await row(endpoint.id);
    expect(stored.headers_key_id).toBe('k1');
    expect(stored.headers_sealed?.includes(Buffer.from(TOKEN))).toBe(false);
    const opened = openHeaders(keys, endpoint.id, stored);
    expect(opened.forRequest()).toEqual({ authorization: TOKEN });
    expect(JSON.stringify({ target: opened })).toBe('{"target":{"Authorization":"***"}}');
    expect(inspect({ opened })).not.toContain(TOKEN);
    // The same bytes under another endpoint's id do not open (authenticated context).
    const other = await endpoints.create('acct_headers', input);
    expect(() => openHeaderPairs(keys, other.endpoint.id, stored)).toThrow(/cannot decrypt/);
  });

  it('rotate-secrets-key re-seals them under the new key (dry run first), after which the old key can go', async () => {
    const before = await db.selectFrom('webhook_endpoints').select(['id', 'headers_sealed']).where('headers_key_id', '=', 'k1').execute();
    expect(before.length).toBe(1);
    const dry = rotate(`${k2},${k1}`, '--dry-run');
    expect(dry.code, dry.err).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({ currentKeyId: 'k2', dryRun: true, headersResealed: 1 });
    expect((await row(before[0]!.id)).headers_key_id).toBe('k1');

    const run = rotate(`${k2},${k1}`);
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ headersResealed: 1 });
    const after = await row(before[0]!.id);
    expect(after.headers_key_id).toBe('k2');
    expect(openHeaderPairs(KeyRing.parse(k2), after.id, after)).toEqual([['Authorization', TOKEN]]);
    expect(JSON.parse(rotate(k2).out)).toMatchObject({ headersResealed: 0 });
    // A key missing from the ring stops the run naming it.
    await db.updateTable('webhook_endpoints').set({ headers_key_id: 'k9' }).where('id', '=', after.id).execute();
    const missing = rotate(k2);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('key k9 is not in the key ring');
  });
});
