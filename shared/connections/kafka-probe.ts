import type { Kafka } from 'kafkajs';
import type { KafkaConnection } from '../kafka/kafka-connection.js';
import { ConnectionRejectedError } from './connection-rejected-error.js';
import type { ConnectionProbe } from './connection-probe.js';
import { certificateProblem, errorChain } from './tls-failure.js';

export function kafkaProbe(kafka: Kafka, connection: KafkaConnection): ConnectionProbe {
  return {
    engine: 'kafka',
    run: async () => {
      // connect() authenticates with a seed broker; no retries: explain() reads the first failure.
      const admin = kafka.admin({ retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 500 } });
      try {
        await admin.connect();
        await admin.describeCluster();
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
    explain: (error) => {
      const certificate = certificateProblem(error);
      if (certificate !== undefined) return new ConnectionRejectedError('kafka', 'AUTHLOG_KAFKA_TLS_CA_FILE', certificate, { cause: error });
      for (const link of errorChain(error)) {
        const { name, message } = link as { name?: string; message?: string };
        if (name === 'KafkaJSSASLAuthenticationError' || (typeof message === 'string' && /SASL .*authentication failed|Authentication failed/i.test(message))) {
          const variable = connection.mechanism === 'oauthbearer' ? 'AUTHLOG_KAFKA_SASL_OAUTH_TOKEN_COMMAND' : 'AUTHLOG_KAFKA_SASL_PASSWORD';
          return new ConnectionRejectedError('kafka', variable, `SASL ${connection.mechanism} authentication failed${connection.username === undefined ? '' : ` for user "${connection.username}"`}`, { cause: error });
        }
        if (typeof message === 'string' && /unsupported SASL mechanism|UNSUPPORTED_SASL_MECHANISM/i.test(message)) {
          return new ConnectionRejectedError('kafka', 'AUTHLOG_KAFKA_SASL_MECHANISM', `the broker does not enable SASL ${connection.mechanism}`, { cause: error });
        }
        if (typeof message === 'string' && /Closed connection|ECONNRESET|socket hang up|wrong version number|packet length too long/i.test(message)) {
          // A listener that speaks TLS or wants SASL drops a client that does neither, on its first request.
          if (connection.ssl === undefined) return new ConnectionRejectedError('kafka', 'AUTHLOG_KAFKA_TLS', 'the broker closed the connection at once: its listener likely requires TLS', { cause: error });
          if (connection.sasl === undefined) return new ConnectionRejectedError('kafka', 'AUTHLOG_KAFKA_SASL_MECHANISM', 'the broker closed the connection at once: its listener likely requires SASL credentials', { cause: error });
        }
      }
      return undefined;
    },
  };
}
