import { Client } from '@elastic/elasticsearch';

/**
 * An Elasticsearch client with timeouts set for a pipeline rather than for a browser: requests
 * fail after `requestTimeoutMs` and our code decides whether to retry, so the client's own retries
 * are kept low.
 */
export function createElasticsearch(options: { url: string; requestTimeoutMs?: number; maxRetries?: number }): Client {
  return new Client({
    node: options.url,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 0,
    compression: false,
  });
}
