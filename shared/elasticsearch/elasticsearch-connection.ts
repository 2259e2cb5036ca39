import type { ClientOptions } from '@elastic/elasticsearch';
import type { ElasticsearchConnectionSettings } from '../config/connection-settings.js';

/** Node or cloud id, credentials and CA of one cluster, as @elastic/elasticsearch takes them. */
export interface ElasticsearchConnection {
  readonly options: Pick<ClientOptions, 'node' | 'cloud' | 'auth' | 'tls' | 'caFingerprint'>;
  /** For error messages: how the client authenticates. */
  readonly auth: 'api-key' | 'password' | 'none';
}

export function elasticsearchConnection(settings: ElasticsearchConnectionSettings): ElasticsearchConnection {
  const apiKey = settings.AUTHLOG_ES_API_KEY;
  const password = settings.AUTHLOG_ES_PASSWORD;
  const auth =
    apiKey !== undefined
      ? { apiKey: apiKey.reveal() }
      : settings.AUTHLOG_ES_USERNAME !== undefined && password !== undefined
        ? { username: settings.AUTHLOG_ES_USERNAME, password: password.reveal() }
        : undefined;
  return {
    options: {
      ...(settings.AUTHLOG_ES_CLOUD_ID === undefined ? { node: settings.AUTHLOG_ES_URL } : { cloud: { id: settings.AUTHLOG_ES_CLOUD_ID } }),
      ...(auth === undefined ? {} : { auth }),
      ...(settings.AUTHLOG_ES_CA_FILE === undefined ? {} : { tls: { ca: settings.AUTHLOG_ES_CA_FILE.contents } }),
      ...(settings.AUTHLOG_ES_CA_FINGERPRINT === undefined ? {} : { caFingerprint: settings.AUTHLOG_ES_CA_FINGERPRINT }),
    },
    auth: apiKey !== undefined ? 'api-key' : auth !== undefined ? 'password' : 'none',
  };
}

/** An open cluster at `url` (tests' proxies in front of the stack's Elasticsearch). */
export function plainElasticsearchConnection(url: string): ElasticsearchConnection {
  return { options: { node: url }, auth: 'none' };
}
