import type { Secret } from '../config/secret.js';
import type { MysqlConnectionSettings } from '../config/connection-settings.js';

/** Where and how to reach MySQL: the URL (host, port, user, database) plus what must not be in it. */
export interface MysqlConnection {
  readonly url: string;
  /** Replaces the URL's password (AUTHLOG_MYSQL_PASSWORD or its _FILE). */
  readonly password?: Secret | undefined;
  readonly tls?: { readonly ca?: Buffer | undefined; readonly verifyIdentity: boolean } | undefined;
}

export function mysqlConnection(settings: MysqlConnectionSettings): MysqlConnection {
  return {
    url: settings.AUTHLOG_MYSQL_URL,
    password: settings.AUTHLOG_MYSQL_PASSWORD,
    tls: settings.AUTHLOG_MYSQL_TLS ? { ca: settings.AUTHLOG_MYSQL_TLS_CA_FILE?.contents, verifyIdentity: settings.AUTHLOG_MYSQL_TLS_VERIFY_IDENTITY } : undefined,
  };
}

/** The same server and credentials, another database (scratch databases of tests and benchmarks). */
export function withDatabase(connection: MysqlConnection, database: string): MysqlConnection {
  const url = new URL(connection.url);
  url.pathname = `/${database}`;
  return { ...connection, url: url.toString() };
}
