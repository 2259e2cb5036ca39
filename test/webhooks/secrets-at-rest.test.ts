import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigrator, runMigrations } from '../../migrations/migrate.js';
import { KeyRing } from '../../shared/crypto/key-ring.js';
import { NO_FILTERS } from '../../shared/webhooks/endpoint-filters.js';
import { EndpointStore } from '../../shared/webhooks/endpoint-store.js';
import { activeSecrets, SecretStore } from '../../shared/webhooks/secret-store.js';
import { generateSecret } from '../../shared/webhooks/signing.js';
import type { WebhooksDatabase } from '../../shared/webhooks/webhook-tables.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const MIGRATION_BEFORE_SEALING = '2026-11-26-07-record-procedures';
const ROTATE = resolve(import.meta.dirname, '..', '..', 'dist', 'scripts', 'rotate-secrets-key.js');
const k1 = KeyRing.generateEntry('k1');
const k2 = KeyRing.generateEntry('k2');
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
const rows = () => db.selectFrom('webhook_secrets').selectAll().orderBy('id').execute();
const endpointInput = { url: 'https://hooks.example.com/x', description: '', filters: NO_FILTERS, rateLimitPerSecond: null, maxConcurrency: 5 };

describe('webhook signing secrets at rest', () => {
  it('are stored AES-256-GCM sealed with the key id, never as plaintext, and open for their own endpoint only', async () => {
    const keys = KeyRing.parse(k1);
    const endpoints = new EndpointStore(db, keys);
    const { endpoint, secret } = await endpoints.create('acct_sealed', endpointInput);
    const rotated = await new SecretStore(db, endpoints, keys).rotate('acct_sealed', endpoint.id, 60_000);
    const stored = (await rows()).filter((row) => row.endpoint_id === endpoint.id);
    expect(stored).toHaveLength(2);
    for (const row of stored) {
      expect(row).toMatchObject({ secret: null, key_id: 'k1' });
      expect(row.secret_sealed?.includes(Buffer.from(secret))).toBe(false);
      expect(row.secret_sealed?.includes(Buffer.from(rotated.secret))).toBe(false);
    }
    expect((await activeSecrets(db, keys, endpoint.id)).map((entry) => entry.secret)).toEqual([rotated.secret, secret]);
    // The same bytes under another endpoint's id do not open (authenticated context).
    const other = await endpoints.create('acct_sealed', endpointInput);
    await db.updateTable('webhook_secrets').set({ secret_sealed: stored[0]?.secret_sealed ?? null }).where('endpoint_id', '=', other.endpoint.id).execute();
    await expect(activeSecrets(db, keys, other.endpoint.id)).rejects.toThrow(/cannot decrypt a stored secret \(key k1\)/);
    await db.deleteFrom('webhook_secrets').where('endpoint_id', '=', other.endpoint.id).execute();
  });

  it('rotate-secrets-key answers --help, seals plaintext rows and re-seals old-key rows under the new key, and a second run does nothing', async () => {
    const help = rotate(k1, '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('usage: npm run rotate-secrets-key');
    // A row written before the migration: plaintext, no key id.
    const legacy = generateSecret();
    const { endpoint } = await new EndpointStore(db, KeyRing.parse(k1)).create('acct_legacy', endpointInput);
    await db.insertInto('webhook_secrets').values({ endpoint_id: endpoint.id, secret: legacy, key_id: null, secret_sealed: null, expires_at: new Date(Date.now() + 60_000) }).execute();
    expect((await activeSecrets(db, KeyRing.parse(k1), endpoint.id)).map((entry) => entry.secret)).toContain(legacy);

    const before = await rows();
    const dry = rotate(`${k2},${k1}`, '--dry-run');
    expect(dry.code, dry.err).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({ currentKeyId: 'k2', dryRun: true, resealed: before.length, fromPlaintext: 1 });
    expect(await rows()).toEqual(before);

    const run = rotate(`${k2},${k1}`);
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ resealed: before.length, fromPlaintext: 1 });
    for (const row of await rows()) expect(row).toMatchObject({ key_id: 'k2', secret: null });
    // k1 can now be dropped: every secret opens with k2 alone, unchanged.
    expect((await activeSecrets(db, KeyRing.parse(k2), endpoint.id)).map((entry) => entry.secret)).toContain(legacy);
    expect(JSON.parse(rotate(k2).out)).toMatchObject({ resealed: 0 });
  });

  it('rotate-secrets-key stops naming a key the ring lacks, and a bad key ring names the setting without echoing it', async () => {
    const missing = rotate(KeyRing.generateEntry('k3'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('key k2 is not in the key ring');
    const bad = rotate('k1:dG9vLXNob3J0');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('AUTHLOG_ENCRYPTION_KEYS');
    expect(bad.err).not.toContain('dG9vLXNob3J0');
  });

  it('the migration down refuses while sealed rows exist, and --decrypt makes it possible', async () => {
    // Later migrations are undone first; the one under test is the last step down to the one before it.
    const beforeSealing = async (): Promise<void> => {
      const { error } = await createMigrator(db as unknown as Kysely<unknown>).migrateTo(MIGRATION_BEFORE_SEALING);
      if (error !== undefined) throw error;
    };
    await expect(beforeSealing()).rejects.toThrow(/rotate-secrets-key -- --decrypt/);
    const decrypt = rotate(k2, '--decrypt');
    expect(decrypt.code, decrypt.err).toBe(0);
    for (const row of await rows()) expect(row.key_id).toBeNull();
    await beforeSealing();
    await runMigrations(db as unknown as Kysely<unknown>, 'latest');
  });
});
