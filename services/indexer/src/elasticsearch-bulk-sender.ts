import { errors, type Client } from '@elastic/elasticsearch';
import { bulkBody, type BulkItem } from './bulk-item.js';
import { BulkRequestError } from './errors/bulk-request-error.js';

/** What Elasticsearch said about one document of a bulk. */
export type ItemOutcome =
  | { readonly status: 'indexed' }
  /** Try this document again later: 429 (queue full), 5xx, or a cluster-wide problem. */
  | { readonly status: 'retry'; readonly httpStatus: number; readonly type: string; readonly reason: string }
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
  // 400 blames the document (mapping, parsing); 413 its size. Anything else (429, 5xx, a closed or
  // blocked index, a missing index with auto-creation off) is not the document's fault: retry.
  return httpStatus === 400 || httpStatus === 413 ? { status: 'rejected', httpStatus, type, reason } : { status: 'retry', httpStatus, type, reason };
}

function toBulkRequestError(error: unknown): BulkRequestError {
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? error.meta.statusCode ?? null;
    return new BulkRequestError(`bulk request failed with HTTP ${status}: ${error.message}`, status, { cause: error });
  }
  // Connection refused or reset, timeout, no living connection, unreadable response: retry.
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new BulkRequestError(`bulk request failed: ${message}`, null, { cause: error });
}
