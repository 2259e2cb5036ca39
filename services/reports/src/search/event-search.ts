import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import type { DocumentKafkaPosition, EventDocument } from '../../../../shared/elasticsearch/event-document.js';
import type { EventIndexNames } from '../../../../shared/elasticsearch/event-index.js';
import { SearchFailedError } from '../errors/search-failed-error.js';
import { SearchUnavailableError } from '../errors/search-unavailable-error.js';
import { scopeQuery, type EventScope } from './event-scope.js';

/** An event's document as the trace sees it: where it is, when it was written, where it was read from Kafka (absent for a backfilled document). */
export interface IndexedEvent {
  readonly index: string;
  readonly indexedAt: string | undefined;
  readonly kafka: DocumentKafkaPosition | undefined;
}

/** The parts of a search a report chooses; the query itself always comes from the scope. */
export interface SearchParts {
  readonly size?: number;
  readonly aggs?: Record<string, estypes.AggregationsAggregationContainer>;
  readonly sort?: estypes.Sort;
  readonly search_after?: estypes.SortResults;
  readonly track_total_hits?: boolean | number;
  readonly _source?: estypes.SearchSourceConfig;
}

export type EventSearchResponse = estypes.SearchResponse<EventDocument, Record<string, estypes.AggregationsAggregate>>;

export interface EventSearchOptions {
  readonly requestTimeoutMs: number;
}

/**
 * The only way the reports read events. Every request is routed by, and filtered to, the scope's
 * account (routing = account_id reads one shard per monthly index), goes through the read alias, and
 * treats "no index yet" as "no events". Transport failures become SearchUnavailableError (503),
 * rejected queries SearchFailedError (500).
 */
export class EventSearch {
  constructor(
    private readonly client: Client,
    readonly names: EventIndexNames,
    private readonly options: EventSearchOptions,
  ) {}

  async search(scope: EventScope, parts: SearchParts, signal?: AbortSignal): Promise<EventSearchResponse> {
    return this.#call(() =>
      this.client.search<EventDocument, Record<string, estypes.AggregationsAggregate>>(
        {
          index: this.names.alias,
          routing: scope.accountId,
          ignore_unavailable: true,
          allow_no_indices: true,
          query: scopeQuery(scope),
          size: parts.size ?? 0,
          track_total_hits: parts.track_total_hits ?? false,
          ...(parts.aggs === undefined ? {} : { aggs: parts.aggs }),
          ...(parts.sort === undefined ? {} : { sort: parts.sort }),
          ...(parts.search_after === undefined ? {} : { search_after: parts.search_after }),
          ...(parts._source === undefined ? {} : { _source: parts._source }),
        },
        { signal, requestTimeout: this.options.requestTimeoutMs },
      ),
    );
  }

  /**
   * Where one event's document is, if it is indexed: its index, when the indexer wrote it and where
   * the indexer read it in Kafka (lineage). Routed by and filtered to the account, so another
   * account's event is not found.
   */
  async findEvent(accountId: string, txid: string, signal?: AbortSignal): Promise<IndexedEvent | undefined> {
    const response = await this.#call(() =>
      this.client.search<Pick<EventDocument, 'indexed_at' | 'kafka'>>(
        {
          index: this.names.alias,
          routing: accountId,
          ignore_unavailable: true,
          allow_no_indices: true,
          query: { bool: { filter: [{ ids: { values: [txid] } }, { term: { account_id: accountId } }] } },
          size: 1,
          _source: ['indexed_at', 'kafka'],
        },
        { signal, requestTimeout: this.options.requestTimeoutMs },
      ),
    );
    const hit = response.hits.hits[0];
    return hit === undefined ? undefined : { index: hit._index, indexedAt: hit._source?.indexed_at, kafka: hit._source?.kafka };
  }

  /** A point in time over the account's shards that may hold the scope's range; undefined when no index exists. */
  async openPointInTime(scope: EventScope, keepAlive: string, signal?: AbortSignal): Promise<string | undefined> {
    try {
      const opened = await this.#call(() =>
        this.client.openPointInTime(
          {
            index: this.names.alias,
            routing: scope.accountId,
            keep_alive: keepAlive,
            ignore_unavailable: true,
            index_filter: { range: { timestamp: { gte: scope.range.fromMs, lt: scope.range.toMs, format: 'epoch_millis' } } },
          },
          { signal, requestTimeout: this.options.requestTimeoutMs },
        ),
      );
      return opened.id;
    } catch (error) {
      if (error instanceof SearchFailedError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** A page of a point-in-time search; the scope's query (with its account filter) is applied again. */
  async searchPointInTime(pitId: string, keepAlive: string, scope: EventScope, parts: SearchParts, signal?: AbortSignal): Promise<EventSearchResponse> {
    return this.#call(() =>
      this.client.search<EventDocument, Record<string, estypes.AggregationsAggregate>>(
        {
          pit: { id: pitId, keep_alive: keepAlive },
          query: scopeQuery(scope),
          size: parts.size ?? 0,
          track_total_hits: false,
          ...(parts.sort === undefined ? {} : { sort: parts.sort }),
          ...(parts.search_after === undefined ? {} : { search_after: parts.search_after }),
          ...(parts._source === undefined ? {} : { _source: parts._source }),
        },
        { signal, requestTimeout: this.options.requestTimeoutMs },
      ),
    );
  }

  async closePointInTime(pitId: string): Promise<void> {
    await this.#call(() => this.client.closePointInTime({ id: pitId }, { requestTimeout: this.options.requestTimeoutMs }));
  }

  /** Cluster reachable and not red: what /healthz reports. */
  async ping(timeoutMs: number): Promise<boolean> {
    try {
      const health = await this.client.cluster.health({ timeout: `${timeoutMs}ms` }, { requestTimeout: timeoutMs });
      return health.status !== 'red';
    } catch {
      return false;
    }
  }

  async #call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw translate(error);
    }
  }
}

function translate(error: unknown): Error {
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode;
    if (status === 429 || (status !== undefined && status >= 500)) return new SearchUnavailableError(error);
    const body = error.body as { error?: { type?: string; reason?: string; root_cause?: { reason?: string }[] } } | undefined;
    const reason = body?.error?.root_cause?.[0]?.reason ?? body?.error?.reason ?? error.message;
    return new SearchFailedError(status, reason, error);
  }
  if (error instanceof errors.ElasticsearchClientError) return new SearchUnavailableError(error);
  return error instanceof Error ? error : new Error(String(error));
}
