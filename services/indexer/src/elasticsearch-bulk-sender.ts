import { errors, type Client } from '@elastic/elasticsearch';
import { bulkBody, type BulkItem } from './bulk-item.js';
import { elasticsearchFailureKind } from './elasticsearch-failure-kind.js';
import { BulkRequestError } from './errors/bulk-request-error.js';

/** What Elasticsearch said about one document of a bulk. */
export type ItemOutcome =
  | { readonly status: 'indexed' }
  /** Try this document again later: 429 (queue full), 5xx. */
  | { readonly status: 'retry'; readonly httpStatus: number; readonly type: string; readonly reason: string }
  /** The index cannot take documents until an operator acts (closed, blocked, shard limit, missing): retry, report degraded. */
  | { readonly status: 'unavailable'; readonly httpStatus: number; readonly type: string; readonly reason: string }
  /** This document can never be indexed as it is (mapping or parsing error): dead-letter it. */
  | { readonly status: 'rejected'; readonly httpStatus: number; readonly type: string; readonly reason: string };

/** Sends one _bulk request: one outcome per item, in order, or a BulkRequestError for the whole request. */
export type BulkSender = (items: readonly BulkItem<unknown>[]) => Promise<ItemOutcome[]>;

interface BulkResponseItem {
  readonly status?: number;
  readonly error?: { readonly type?: string; readonly reason?: string; readonly caused_by?: { readonly reason?: string } };
}

export function createElasticsearchBulkSender(client: Client, options: { timeoutMs: number; now?: () => Date }): BulkSender {
  const now = options.now ?? (() => new Date());
  const send = createElasticsearchBodySender(client, options);
  // indexed_at is the time of this attempt: a retried bulk records when it was actually written.
  return async (items) => send(bulkBody(items, now()), items.length);
}

/**
 * Sends a _bulk body built beforehand (bulkBody) holding `documents` documents. The body goes as it
 * is: client.bulk() only takes an array of operations, which it would serialise and concatenate
 * into a string again.
 */
export function createElasticsearchBodySender(client: Client, options: { timeoutMs: number }): (body: Buffer, documents: number) => Promise<ItemOutcome[]> {
  return async (body, documents) => {
    let response: { errors?: boolean; items?: Record<string, BulkResponseItem>[] };
    try {
      response = (await client.transport.request(
        // Only what we read comes back: for 1,000 documents that is a few KB instead of ~300 KB.
        { method: 'POST', path: '/_bulk', querystring: { filter_path: 'errors,items.*.status,items.*.error' }, bulkBody: body, meta: { name: 'bulk' } },
        { requestTimeout: options.timeoutMs, maxRetries: 0 },
      )) as typeof response;
    } catch (error) {
      throw toBulkRequestError(error);
    }
    const answers = response.items ?? [];
    if (answers.length !== documents) {
      // Should not happen; treat as a failed request rather than guess which documents made it.
      throw new BulkRequestError(`bulk answered ${answers.length} items for ${documents} documents`, null);
    }
    return answers.map((answer) => toOutcome(Object.values(answer)[0] ?? {}));
  };
}

function toOutcome(item: BulkResponseItem): ItemOutcome {
  const httpStatus = item.status ?? 0;
  if (httpStatus >= 200 && httpStatus < 300 && item.error === undefined) return { status: 'indexed' };
  const type = item.error?.type ?? 'unknown';
  const reason = [item.error?.reason, item.error?.caused_by?.reason].filter((part) => part !== undefined).join(': ') || `status ${httpStatus}`;
  // By Elasticsearch's error type first: a closed index answers 400 like a mapping error does.
  const kind = elasticsearchFailureKind(httpStatus, item.error?.type);
  const status = kind === 'document' ? 'rejected' : kind === 'cluster' ? 'unavailable' : 'retry';
  return { status, httpStatus, type, reason };
}

function toBulkRequestError(error: unknown): BulkRequestError {
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? error.meta.statusCode ?? null;
    return new BulkRequestError(`bulk request failed with HTTP ${status}: ${error.message}`, status, { cause: error, errorType: errorTypeOf(error.body) });
  }
  // Connection refused or reset, timeout, no living connection, unreadable response: retry.
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new BulkRequestError(`bulk request failed: ${message}`, null, { cause: error });
}

/** Elasticsearch's error type (`index_closed_exception`...) from an error response body, if it has one. */
function errorTypeOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const { error } = body;
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  return typeof error.type === 'string' ? error.type : undefined;
}
