import { ALL_SCOPES } from '../../shared/auth/scopes.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { runMigrations } from '../../migrations/migrate.js';
import { ApiKeyStore } from '../../shared/auth/api-key-store.js';
import { createDatabase } from '../../shared/db/create-database.js';
import type { AuthlogDatabase } from '../../shared/db/database.js';
import { generateSecret } from '../../shared/webhooks/signing.js';
import type { PipelineSettings } from './pipeline-settings.js';
import { mysqlConnection } from '../../shared/db/mysql-connection.js';
import { KeyRing } from '../../shared/crypto/key-ring.js';

export interface DemoCredentials {
  readonly accountId: string;
  /** API key of the demo account: the Admin Panel and the APIs ask for it. */
  readonly apiKey: string;
  /** Signing secret of the demo webhook endpoint, shared with the demo receiver. */
  readonly receiverSecret: string;
  readonly endpointId?: string;
}

const TIME_ZONES = ['America/New_York', 'Europe/Berlin', 'UTC', 'Asia/Tokyo', 'America/Los_Angeles', 'Australia/Sydney'];

/**
 * Prepares the local database for the demo: migrations, the traffic's accounts with time zones, and
 * credentials kept in the run folder so a restart reuses the same API key and receiver secret.
 */
export async function prepareDemo(settings: PipelineSettings, runDir: string): Promise<DemoCredentials> {
  const { db } = createDatabase<AuthlogDatabase>({ connection: mysqlConnection(settings), connectionLimit: 2 });
  try {
    await runMigrations(db as Kysely<unknown>, 'latest');
    for (let index = 0; index < settings.TRAFFIC_ACCOUNTS; index += 1) {
      await sql`INSERT INTO accounts (account_id, display_name, time_zone) VALUES (${`acct_${index}`}, ${`Demo customer ${index}`}, ${TIME_ZONES[index % TIME_ZONES.length]})
        ON DUPLICATE KEY UPDATE account_id = account_id`.execute(db);
    }
    const file = join(runDir, 'demo-credentials.json');
    const saved = await readFile(file, 'utf8').then((text) => JSON.parse(text) as DemoCredentials, () => undefined);
    const keys = new ApiKeyStore(db, 0);
    if (saved !== undefined && (await keys.authenticate(saved.apiKey)) !== undefined) return saved;
    const { token } = await keys.create('acct_0', 'demo (npm start)', ALL_SCOPES);
    const credentials: DemoCredentials = { accountId: 'acct_0', apiKey: token, receiverSecret: generateSecret() };
    await mkdir(runDir, { recursive: true });
    await writeFile(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
    return credentials;
  } finally {
    await db.destroy();
  }
}

/** Registers the demo receiver as acct_0's endpoint through the public API, once. */
export async function ensureDemoEndpoint(credentials: DemoCredentials, runDir: string, apiUrl: string, receiverUrl: string): Promise<DemoCredentials> {
  const headers = { authorization: `Bearer ${credentials.apiKey}`, 'content-type': 'application/json' };
  if (credentials.endpointId !== undefined) {
    const existing = await fetch(`${apiUrl}/v1/endpoints/${credentials.endpointId}`, { headers });
    if (existing.ok) return credentials;
  }
  const created = await fetch(`${apiUrl}/v1/endpoints`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ url: receiverUrl, description: 'demo receiver (npm start)', secret: credentials.receiverSecret, filters: { results: ['denied', 'fraud'] } }),
  });
  if (!created.ok) throw new Error(`could not register the demo endpoint: ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  const updated = { ...credentials, endpointId: id };
  await writeFile(join(runDir, 'demo-credentials.json'), JSON.stringify(updated, null, 2), { mode: 0o600 });
  return updated;
}

/**
 * The local pipeline's key for stored webhook secrets: made once and kept in the run folder
 * (mode 600) so a restart still opens what the last run sealed. Only for `npm start`; a deployment
 * brings its own (docs/deploy.md).
 */
export async function localEncryptionKeysFile(runDir: string): Promise<string> {
  const file = join(runDir, 'encryption-keys');
  try {
    await readFile(file, 'utf8');
  } catch {
    await mkdir(runDir, { recursive: true });
    await writeFile(file, `${KeyRing.generateEntry('local')}\n`, { mode: 0o600 });
  }
  return file;
}
