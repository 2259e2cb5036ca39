import { Client } from '@elastic/elasticsearch';
import type { ElasticsearchConnection } from './elasticsearch-connection.js';

/**
 * An Elasticsearch client for the connection (node or Elastic Cloud id, API key or user and
 * password, CA file or fingerprint), with timeouts set for a pipeline rather than for a browser:
 * requests fail after `requestTimeoutMs` and our code decides whether to retry, so the client's
 * own retries are kept low.
 */
export function createElasticsearch(options: { connection: ElasticsearchConnection; requestTimeoutMs?: number; maxRetries?: number }): Client {
  return new Client({
    ...options.connection.options,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 0,
    compression: false,
  });
}
