import type { Pool } from 'mysql2';
import type { MysqlConnection } from '../db/mysql-connection.js';
import { ConnectionRejectedError } from './connection-rejected-error.js';
import type { ConnectionProbe } from './connection-probe.js';
import { certificateProblem, errorChain } from './tls-failure.js';

const ACCESS_DENIED = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR']);

export function mysqlProbe(pool: Pool, connection: MysqlConnection): ConnectionProbe {
  const password = connection.password === undefined ? 'AUTHLOG_MYSQL_URL (its password) or AUTHLOG_MYSQL_PASSWORD' : 'AUTHLOG_MYSQL_PASSWORD';
  return {
    engine: 'mysql',
    run: async () => {
      await pool.promise().query('SELECT 1');
    },
    explain: (error) => {
      const certificate = certificateProblem(error);
      if (certificate !== undefined) return new ConnectionRejectedError('mysql', 'AUTHLOG_MYSQL_TLS_CA_FILE', certificate, { cause: error });
      for (const link of errorChain(error)) {
        const { code, message } = link as { code?: string; message?: string };
        if (code === 'HANDSHAKE_NO_SSL_SUPPORT') return new ConnectionRejectedError('mysql', 'AUTHLOG_MYSQL_TLS', 'the server does not offer TLS', { cause: error });
        if (typeof message === 'string' && /insecure transport|require_secure_transport/i.test(message)) {
          return new ConnectionRejectedError('mysql', 'AUTHLOG_MYSQL_TLS', 'the server accepts only TLS connections', { cause: error });
        }
        if (code !== undefined && ACCESS_DENIED.has(code)) {
          const user = new URL(connection.url).username;
          const tlsHint = connection.tls === undefined ? ' (or the user requires TLS: AUTHLOG_MYSQL_TLS)' : '';
          return new ConnectionRejectedError('mysql', password, `access denied for user "${decodeURIComponent(user)}"${tlsHint}`, { cause: error });
        }
      }
      return undefined;
    },
  };
}
