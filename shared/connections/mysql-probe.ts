import { createConnection, type Pool } from 'mysql2';
import type { MysqlConnection } from '../db/mysql-connection.js';
import { ConnectionRejectedError } from './connection-rejected-error.js';
import type { ConnectionProbe } from './connection-probe.js';
import { certificateProblem, errorChain } from './tls-failure.js';

const ACCESS_DENIED = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR']);

const accessDenied = (error: unknown) => errorChain(error).some((link) => ACCESS_DENIED.has(String((link as { code?: unknown }).code)));

export function mysqlProbe(pool: Pool, connection: MysqlConnection): ConnectionProbe {
  const password = connection.password === undefined ? 'AUTHLOG_MYSQL_URL (its password) or AUTHLOG_MYSQL_PASSWORD' : 'AUTHLOG_MYSQL_PASSWORD';
  return {
    engine: 'mysql',
    run: async () => {
      try {
        await pool.promise().query('SELECT 1');
      } catch (error) {
        // A user created with REQUIRE SSL is refused like a wrong password; the same credentials over
        // TLS tell the two apart, so the operator is sent to AUTHLOG_MYSQL_TLS rather than the password.
        if (connection.tls === undefined && accessDenied(error) && (await acceptedOverTls(connection))) {
          throw new ConnectionRejectedError('mysql', 'AUTHLOG_MYSQL_TLS', 'this user may connect only over TLS', { cause: error });
        }
        throw error;
      }
    },
    explain: (error) => {
      if (error instanceof ConnectionRejectedError) return error;
      const certificate = certificateProblem(error);
      if (certificate !== undefined) return new ConnectionRejectedError('mysql', 'AUTHLOG_MYSQL_TLS_CA_FILE', certificate, { cause: error });
      for (const link of errorChain(error)) {
        const { code, message } = link as { code?: string; message?: string };
        if (code === 'HANDSHAKE_NO_SSL_SUPPORT') return new ConnectionRejectedError('mysql', 'AUTHLOG_MYSQL_TLS', 'the server does not offer TLS', { cause: error });
        if (typeof message === 'string' && /insecure transport|require_secure_transport/i.test(message)) {
          return new ConnectionRejectedError('mysql', 'AUTHLOG_MYSQL_TLS', 'the server accepts only TLS connections', { cause: error });
        }
      }
      if (accessDenied(error)) {
        const user = decodeURIComponent(new URL(connection.url).username);
        return new ConnectionRejectedError('mysql', password, `access denied for user "${user}"`, { cause: error });
      }
      return undefined;
    },
  };
}

/** Whether the server takes these credentials over TLS (certificate not checked: only a diagnosis, no data). */
function acceptedOverTls(connection: MysqlConnection): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection({
      uri: connection.url,
      ...(connection.password === undefined ? {} : { password: connection.password.reveal() }),
      ssl: { rejectUnauthorized: false },
      connectTimeout: 5_000,
    });
    probe.on('error', () => resolve(false));
    probe.connect((error) => {
      resolve(error === null);
      probe.destroy();
    });
  });
}
