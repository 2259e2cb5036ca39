import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const CLI = resolve(import.meta.dirname, '..', '..', 'dist', 'migrations', 'cli.js');
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
});
afterAll(() => database.drop());

function migrate(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, AUTHLOG_MYSQL_URL: database.url }, encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

async function tables(): Promise<string[]> {
  const rows = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ${database.name}`.execute(database.db);
  return rows.rows.map((row) => row.name).sort();
}

describe('migration CLI against the real database', () => {
  const names = Object.keys(migrations).sort();

  it('status lists every migration as pending and exits 1', () => {
    const status = migrate('status');
    expect(status.code).toBe(1);
    for (const name of names) expect(status.out).toContain(`pending  ${name}`);
  });

  it('latest applies all, then status exits 0, and latest again does nothing', async () => {
    const latest = migrate('latest');
    expect(latest.code, latest.err).toBe(0);
    for (const name of names) expect(latest.out).toContain(`applied  ${name}`);
    expect(await tables()).toEqual(expect.arrayContaining(['authlog', 'outbox', 'api_keys']));
    expect(migrate('status').code).toBe(0);
    expect(migrate('latest').out).toContain('nothing to do');
  });

  it('down reverts the last one and up re-applies it', async () => {
    const last = names.at(-1)!;
    const down = migrate('down');
    expect(down.code, down.err).toBe(0);
    expect(down.out).toContain(`reverted ${last}`);
    expect(migrate('status').out).toContain(`pending  ${last}`);
    const up = migrate('up');
    expect(up.out).toContain(`applied  ${last}`);
    expect(migrate('status').code).toBe(0);
  });

  it('down to nothing removes every table it created', async () => {
    for (const _ of names) expect(migrate('down').code).toBe(0);
    expect((await tables()).filter((name) => !name.startsWith('kysely_'))).toEqual([]);
    expect(migrate('latest').code).toBe(0);
  });

  it('fails loudly: a bad command and an unreachable database exit non-zero with a message', () => {
    const bad = migrate('sideways');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown command "sideways"');
    expect(bad.err).toContain('usage: npm run migrate');
    const unreachable = spawnSync(process.execPath, [CLI, 'latest'], {
      env: { ...process.env, AUTHLOG_MYSQL_URL: 'mysql://authlog:authlog@127.0.0.1:1/nowhere' },
      encoding: 'utf8',
    });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toMatch(/ECONNREFUSED|connect/);
  });

  it('a kysely transaction commits and rolls back on the migrated schema', async () => {
    await database.db.transaction().execute(async (trx) => {
      await trx.insertInto('api_keys').values({ key_id: 'committed', account_id: 'a', secret_sha256: Buffer.alloc(32), name: 'n' }).execute();
    });
    await expect(
      database.db.transaction().execute(async (trx) => {
        await trx.insertInto('api_keys').values({ key_id: 'rolledback', account_id: 'a', secret_sha256: Buffer.alloc(32), name: 'n' }).execute();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const keys = await database.db.selectFrom('api_keys').select('key_id').execute();
    expect(keys.map((row) => row.key_id)).toEqual(['committed']);
  });
});
