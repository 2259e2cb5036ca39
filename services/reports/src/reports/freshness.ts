import type { EventDocument } from '../../../../shared/elasticsearch/event-document.js';
import { NO_FILTERS } from '../search/event-scope.js';
import type { EventSearch } from '../search/event-search.js';
import { valueOf } from './aggregation-reading.js';

/** The newest event the system of record (MySQL authlog) holds for an account, since a time. */
export interface RecordedEvents {
  newestEventAt(accountId: string, since: Date): Promise<Date | null>;
}

/**
 * How fresh an answer is, attached to every report. Reports read Elasticsearch, which trails the
 * authlog in MySQL by the pipeline's delay (outbox relay, Kafka, indexer, 1 s refresh).
 */
export interface Freshness {
  /** When this was measured. */
  readonly checked_at: string;
  /** current: the account's newest recorded event is searchable; behind: it is not yet; unknown: nothing recorded to compare with. */
  readonly status: 'current' | 'behind' | 'unknown';
  /** Event time of the newest event of the account that reports can see. */
  readonly newest_event_at: string | null;
  /** Event time of the newest event of the account in the authlog (MySQL). */
  readonly newest_recorded_at: string | null;
  /** newest_recorded_at minus newest_event_at, at least 0: how much event time is recorded but not yet searchable. */
  readonly lag_ms: number | null;
  /** When the account's most recently indexed document was indexed. */
  readonly newest_indexed_at: string | null;
  /** For that document, indexed_at minus its event time: the pipeline's end-to-end delay lately. */
  readonly last_pipeline_delay_ms: number | null;
  /** What lag_ms means, for people reading the JSON. */
  readonly note: string;
}

const NOTE =
  'lag_ms: event time of the newest event recorded in the authlog minus that of the newest event reports can see (0: the newest recorded event is searchable); reports may also miss up to 1 s of indexing (refresh)';

/**
 * Measures freshness per account, cached for `cacheMs` so a dashboard's five parallel requests cost
 * one probe. Looks only at the last `windowDays` of events: an account quiet for longer reports
 * nulls rather than scanning its whole history.
 */
export class FreshnessProbe {
  readonly #cache = new Map<string, { value: Promise<Freshness>; expiresAt: number }>();

  constructor(
    private readonly search: EventSearch,
    private readonly recorded: RecordedEvents,
    private readonly options: { cacheMs: number; windowDays: number; now?: () => number },
  ) {}

  forAccount(accountId: string): Promise<Freshness> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.#cache.get(accountId);
    if (cached !== undefined && cached.expiresAt > now) return cached.value;
    const value = this.#measure(accountId, now);
    // A failed probe is not cached: the next request tries again.
    value.catch(() => this.#cache.delete(accountId));
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(accountId, { value, expiresAt: now + this.options.cacheMs });
    return value;
  }

  async #measure(accountId: string, now: number): Promise<Freshness> {
    const since = now - this.options.windowDays * 86_400_000;
    const scope = { accountId, filters: NO_FILTERS, range: { fromMs: since, toMs: 8_640_000_000_000_000, timeZone: 'UTC' } };
    const [response, recorded] = await Promise.all([
      this.search.search(scope, {
        size: 1,
        sort: [{ indexed_at: { order: 'desc' } }],
        _source: ['timestamp', 'indexed_at'],
        aggs: { newest_event: { max: { field: 'timestamp' } } },
      }),
      this.recorded.newestEventAt(accountId, new Date(since)),
    ]);
    const latest = response.hits.hits[0]?._source as Pick<EventDocument, 'timestamp' | 'indexed_at'> | undefined;
    const newestEvent = valueOf(response.aggregations, 'newest_event');
    const lag = recorded === null ? null : Math.max(0, recorded.getTime() - (newestEvent ?? 0));
    return {
      checked_at: new Date(now).toISOString(),
      status: recorded === null ? 'unknown' : lag === 0 ? 'current' : 'behind',
      newest_event_at: newestEvent === null ? null : new Date(newestEvent).toISOString(),
      newest_recorded_at: recorded?.toISOString() ?? null,
      lag_ms: newestEvent === null && recorded !== null ? null : lag,
      newest_indexed_at: latest?.indexed_at ?? null,
      last_pipeline_delay_ms: latest === undefined ? null : Date.parse(latest.indexed_at) - Date.parse(latest.timestamp),
      note: NOTE,
    };
  }
}
