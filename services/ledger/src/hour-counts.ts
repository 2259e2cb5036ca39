import type { Client, estypes } from '@elastic/elasticsearch';
import { sql, type Kysely } from 'kysely';
import type { EventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import type { EndpointFilters } from '../../../shared/webhooks/endpoint-filters.js';
import type { LedgerDatabase } from './ledger-database.js';

export const HOUR_MS = 3_600_000;

/** Counts per hour start (ms) of event time. */
export type HourCounts = Map<number, number>;

/**
 * The counts the ledger compares, each from an index: authlog through (account_id, occurred_at)
 * (index range, no payload read); Elasticsearch through a date histogram on the account's routing
 * shard; deliveries through the attempt log's (endpoint_id, message_id) key.
 */
export class HourCounter {
  constructor(
    private readonly db: Kysely<LedgerDatabase>,
    private readonly es: Client,
    private readonly names: EventIndexNames,
  ) {}

  /** Accounts with events in [from, to): a loose scan of the account prefix, then a range probe per account. */
  async accounts(from: Date, to: Date): Promise<string[]> {
    const { rows } = await sql<{ account_id: string }>`
      SELECT DISTINCT account_id FROM authlog a
      WHERE EXISTS (SELECT 1 FROM authlog b WHERE b.account_id = a.account_id AND b.occurred_at >= ${from} AND b.occurred_at < ${to})`.execute(this.db);
    return rows.map((row) => row.account_id);
  }

  async committed(accountId: string, from: Date, to: Date): Promise<HourCounts> {
    const { rows } = await sql<{ hour: Date; n: number }>`
      SELECT TIMESTAMP(DATE_FORMAT(occurred_at, '%Y-%m-%d %H:00:00')) AS hour, COUNT(*) AS n
      FROM authlog WHERE account_id = ${accountId} AND occurred_at >= ${from} AND occurred_at < ${to}
      GROUP BY hour`.execute(this.db);
    return new Map(rows.map((row) => [row.hour.getTime(), Number(row.n)]));
  }

  async indexed(accountId: string, from: Date, to: Date, filter: estypes.QueryDslQueryContainer[] = []): Promise<HourCounts> {
    const response = await this.es.search({
      index: this.names.alias,
      routing: accountId,
      ignore_unavailable: true,
      allow_no_indices: true,
      size: 0,
      query: { bool: { filter: [{ term: { account_id: accountId } }, { range: { timestamp: { gte: from.getTime(), lt: to.getTime(), format: 'epoch_millis' } } }, ...filter] } },
      aggs: { hours: { date_histogram: { field: 'timestamp', fixed_interval: '1h', min_doc_count: 1 } } },
    });
    const buckets = (response.aggregations?.hours as estypes.AggregationsDateHistogramAggregate | undefined)?.buckets;
    const counts: HourCounts = new Map();
    for (const bucket of Array.isArray(buckets) ? buckets : []) counts.set(Number(bucket.key), bucket.doc_count);
    return counts;
  }

  /** Events of the account in [from, to) that an endpoint with these filters, created at `since`, should have received. */
  matched(accountId: string, filters: EndpointFilters, since: Date, from: Date, to: Date): Promise<HourCounts> {
    return this.indexed(accountId, new Date(Math.max(from.getTime(), since.getTime())), to, filterQueries(filters));
  }

  /** Txids of those events (for a repair), at most `limit`. */
  async matchedTxids(accountId: string, filters: EndpointFilters, since: Date, from: Date, to: Date, limit: number): Promise<string[]> {
    const start = Math.max(from.getTime(), since.getTime());
    const response = await this.es.search({
      index: this.names.alias,
      routing: accountId,
      ignore_unavailable: true,
      allow_no_indices: true,
      size: limit,
      _source: false,
      query: { bool: { filter: [{ term: { account_id: accountId } }, { range: { timestamp: { gte: start, lt: to.getTime(), format: 'epoch_millis' } } }, ...filterQueries(filters)] } },
    });
    return response.hits.hits.map((hit) => String(hit._id));
  }

  /** Events of the hour range delivered to the endpoint (a successful attempt) or recorded as failed there. */
  async settled(accountId: string, endpointId: string, from: Date, to: Date): Promise<HourCounts> {
    const { rows } = await sql<{ hour: Date; n: number }>`
      SELECT TIMESTAMP(DATE_FORMAT(l.occurred_at, '%Y-%m-%d %H:00:00')) AS hour, COUNT(*) AS n
      FROM authlog l
      WHERE l.account_id = ${accountId} AND l.occurred_at >= ${from} AND l.occurred_at < ${to} AND ${settledCondition(endpointId)}
      GROUP BY hour`.execute(this.db);
    return new Map(rows.map((row) => [row.hour.getTime(), Number(row.n)]));
  }

  async settledTxids(accountId: string, endpointId: string, from: Date, to: Date): Promise<Set<string>> {
    const { rows } = await sql<{ txid: string }>`
      SELECT l.txid FROM authlog l
      WHERE l.account_id = ${accountId} AND l.occurred_at >= ${from} AND l.occurred_at < ${to} AND ${settledCondition(endpointId)}`.execute(this.db);
    return new Set(rows.map((row) => row.txid));
  }
}

function settledCondition(endpointId: string) {
  return sql`(EXISTS (SELECT 1 FROM webhook_attempts w WHERE w.endpoint_id = ${endpointId} AND w.message_id = l.txid AND w.outcome = 'success')
    OR EXISTS (SELECT 1 FROM webhook_messages m WHERE m.endpoint_id = ${endpointId} AND m.message_id = l.txid AND m.status = 'failed'))`;
}

/** The endpoint filters as Elasticsearch filters (an empty list: any), as the dispatcher applies them. */
export function filterQueries(filters: EndpointFilters): estypes.QueryDslQueryContainer[] {
  const clauses: estypes.QueryDslQueryContainer[] = [];
  if (filters.event_types.length > 0) clauses.push({ terms: { event_type: [...filters.event_types] } });
  if (filters.results.length > 0) clauses.push({ terms: { result: [...filters.results] } });
  if (filters.reasons.length > 0) clauses.push({ terms: { reason: [...filters.reasons] } });
  if (filters.applications.length > 0) clauses.push({ terms: { 'application.key': [...filters.applications] } });
  if (filters.users.length > 0) clauses.push({ terms: { 'user.key': [...filters.users] } });
  if (filters.groups.length > 0) clauses.push({ terms: { 'user.groups': [...filters.groups] } });
  // The reports API's ip filter: a term per address or block on the ip-typed field, any of them.
  if (filters.ip.length > 0) clauses.push({ bool: { should: filters.ip.map((ip) => ({ term: { 'access_device.ip': ip } })), minimum_should_match: 1 } });
  return clauses;
}
