import { sql, type Kysely } from 'kysely';
import type { Pool } from 'mysql2';
import { createDatabase } from '../../shared/db/create-database.js';
import type { AuthlogDatabase } from '../../shared/db/database.js';
import { runMigrations } from '../../migrations/migrate.js';
import { testSettings } from './settings.js';
import { uniqueName } from './unique-name.js';

export interface TestDatabase {
  readonly name: string;
  /** URL of this database, for services started by the test. */
  readonly url: string;
  readonly db: Kysely<AuthlogDatabase>;
  readonly pool: Pool;
  drop(): Promise<void>;
}

/**
 * A fresh database (authlog_t_<random>, which the project user may create) with every migration
 * applied, or none when `migrate` is false.
 */
export async function createTestDatabase(options: { migrate?: boolean; connectionLimit?: number } = {}): Promise<TestDatabase> {
  const name = uniqueName('authlog_t');
  const admin = createDatabase<unknown>({ url: testSettings.AUTHLOG_MYSQL_URL, connectionLimit: 1 });
  await sql`CREATE DATABASE ${sql.id(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`.execute(admin.db);
  await admin.db.destroy();

  const url = new URL(testSettings.AUTHLOG_MYSQL_URL);
  url.pathname = `/${name}`;
  const { db, pool } = createDatabase<AuthlogDatabase>({ url: url.toString(), connectionLimit: options.connectionLimit ?? 10 });
  if (options.migrate ?? true) await runMigrations(db as Kysely<unknown>, 'latest');
  return {
    name,
    url: url.toString(),
    db,
    pool,
    drop: async () => {
      await sql`DROP DATABASE IF EXISTS ${sql.id(name)}`.execute(db);
      await db.destroy();
    },
  };
}
