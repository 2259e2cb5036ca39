import { sql, type Kysely } from 'kysely';
import type { Pool } from 'mysql2';
import { randomBytes } from 'node:crypto';
import { runMigrations } from '../migrations/migrate.js';
import { createDatabase } from '../shared/db/create-database.js';
import type { AuthlogDatabase } from '../shared/db/database.js';
import { withDatabase, type MysqlConnection } from '../shared/db/mysql-connection.js';

export interface ScratchDatabase {
  readonly name: string;
  /** URL of this database, for services started against it (with the server's other connection settings). */
  readonly url: string;
  readonly connection: MysqlConnection;
  readonly db: Kysely<AuthlogDatabase>;
  readonly pool: Pool;
  drop(): Promise<void>;
}

/**
 * A throwaway database next to the one `server` names, called `<prefix>_<random>` (the project
 * user may create `authlog_*` databases), with every migration applied unless `migrate` is false.
 * For tests, benchmarks and demos; `drop()` removes it.
 */
export async function createScratchDatabase(options: {
  server: MysqlConnection;
  prefix?: string;
  migrate?: boolean;
  connectionLimit?: number;
}): Promise<ScratchDatabase> {
  const name = `${options.prefix ?? 'authlog_t'}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const admin = createDatabase<unknown>({ connection: options.server, connectionLimit: 1 });
  try {
    await sql`CREATE DATABASE ${sql.id(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`.execute(admin.db);
  } finally {
    await admin.db.destroy();
  }
  const connection = withDatabase(options.server, name);
  const { db, pool } = createDatabase<AuthlogDatabase>({ connection, connectionLimit: options.connectionLimit ?? 10 });
  if (options.migrate ?? true) await runMigrations(db as Kysely<unknown>, 'latest');
  return {
    name,
    url: connection.url,
    connection,
    db,
    pool,
    drop: async () => {
      await sql`DROP DATABASE IF EXISTS ${sql.id(name)}`.execute(db);
      await db.destroy();
    },
  };
}
