import type { Client } from '@elastic/elasticsearch';
import type { ElasticsearchConnection } from '../elasticsearch/elasticsearch-connection.js';
import { ConnectionRejectedError } from './connection-rejected-error.js';
import type { ConnectionProbe } from './connection-probe.js';
import { certificateProblem, errorChain } from './tls-failure.js';

export function elasticsearchProbe(client: Client, connection: ElasticsearchConnection): ConnectionProbe {
  return {
    engine: 'elasticsearch',
    run: async () => {
      // Any request authenticates; cluster health is cheap. 403 means authenticated but without
      // the monitor privilege, which the services do not need: the credentials are good.
      try {
        await client.cluster.health({ timeout: '5s' }, { requestTimeout: 10_000 });
      } catch (error) {
        if ((error as { meta?: { statusCode?: number } }).meta?.statusCode !== 403) throw error;
      }
    },
    explain: (error) => {
      const certificate = certificateProblem(error);
      if (certificate !== undefined) {
        const variable = connection.options.caFingerprint === undefined ? 'AUTHLOG_ES_CA_FILE' : 'AUTHLOG_ES_CA_FINGERPRINT';
        return new ConnectionRejectedError('elasticsearch', variable, certificate, { cause: error });
      }
      for (const link of errorChain(error)) {
        const status = (link as { meta?: { statusCode?: number } }).meta?.statusCode;
        if (status === 401) {
          const variable = connection.auth === 'api-key' ? 'AUTHLOG_ES_API_KEY' : connection.auth === 'password' ? 'AUTHLOG_ES_PASSWORD' : 'AUTHLOG_ES_API_KEY';
          const problem = connection.auth === 'none' ? 'the cluster requires credentials and none are set' : `the ${connection.auth === 'api-key' ? 'API key' : 'user name or password'} was not accepted`;
          return new ConnectionRejectedError('elasticsearch', variable, problem, { cause: error });
        }
      }
      return undefined;
    },
  };
}
