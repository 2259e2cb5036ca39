import { Kysely, MysqlDialect } from 'kysely';
import { createPool, type Pool, type PoolOptions } from 'mysql2';
import type { MysqlConnection } from './mysql-connection.js';

export interface DatabaseOptions {
  /** mysqlConnection(settings), or `{ url }` for a plain mysql://user:password@host:port/database. */
  readonly connection: MysqlConnection;
  readonly connectionLimit?: number;
  /** Extra mysql2 pool options (e.g. for a benchmark); the defaults below win over nothing. */
  readonly pool?: PoolOptions;
}

/**
 * A Kysely instance over a mysql2 pool with the settings every component needs: UTC on both ends
 * (DATETIME columns hold UTC; `timezone: 'Z'` makes mysql2 read and write them as UTC, and the
 * session time zone makes CURRENT_TIMESTAMP agree), dates as Date objects, and the connection's
 * password and TLS (certificate checked against the CA, and against the host name unless turned off).
 */
export function createDatabase<Database>(options: DatabaseOptions): { db: Kysely<Database>; pool: Pool } {
  const { connection } = options;
  const pool = createPool({
    uri: connection.url,
    ...(connection.password === undefined ? {} : { password: connection.password.reveal() }),
    ...(connection.tls === undefined
      ? {}
      : { ssl: { ...(connection.tls.ca === undefined ? {} : { ca: connection.tls.ca }), rejectUnauthorized: true, verifyIdentity: connection.tls.verifyIdentity } }),
    connectionLimit: options.connectionLimit ?? 10,
    timezone: 'Z',
    charset: 'utf8mb4_bin',
    enableKeepAlive: true,
    ...options.pool,
  });
  pool.on('connection', (connection) => {
    connection.query("SET time_zone = '+00:00'");
  });
  const db = new Kysely<Database>({ dialect: new MysqlDialect({ pool }) });
  return { db, pool };
}
