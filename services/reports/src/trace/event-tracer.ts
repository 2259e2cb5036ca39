import { sql, type Kysely } from 'kysely';
import type { AuthEvent } from '../../../../shared/event/auth-event.js';
import { filterableEvent } from '../../../../shared/webhooks/endpoint-filters.js';
import { toEndpoint } from '../../../../shared/webhooks/endpoint-record.js';
import type { MessageStatus } from '../../../../shared/webhooks/webhook-tables.js';
import type { EventSearch, IndexedEvent } from '../search/event-search.js';
import type { EventTrace, IndexedHop, PublishedHop, TraceAttempt } from './event-trace.js';
import type { TraceDatabase } from './trace-database.js';
import { webhookHop } from './webhook-hop.js';

export interface EventTracerOptions {
  /** After this long a hop that has not happened counts as missing (the pipeline's lag plus a margin). */
  readonly marginMs: number;
  readonly now?: () => number;
}

/**
 * Lineage of one event across every hop, read where each hop records it: authlog (committed), the
 * event's document (published: the indexer writes there the partition, offset and record timestamp
 * it read the event at; indexed) or else the outbox (not yet published, or published but not yet
 * indexed), the endpoints, the attempt log and webhook_messages (delivered). The relay records
 * nothing (issue 17: its cost). Always within the caller's account: an event of another account is
 * answered exactly like an unknown one (undefined).
 */
export class EventTracer {
  readonly #now: () => number;

  constructor(
    private readonly db: Kysely<TraceDatabase>,
    private readonly search: EventSearch,
    private readonly options: EventTracerOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  async trace(accountId: string, txid: string, signal?: AbortSignal): Promise<EventTrace | undefined> {
    const event = await this.db
      .selectFrom('authlog')
      .select(['id', 'occurred_at', 'recorded_at', 'event_type', 'payload'])
      .where('txid', '=', txid)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (event === undefined) return undefined;
    const nowMs = this.#now();
    const { marginMs } = this.options;
    const [queued, document, webhooks] = await Promise.all([
      this.#outboxRow(accountId, event.id),
      this.search.findEvent(accountId, txid, signal),
      this.#endpoints(accountId, txid),
    ]);
    const published = publishedHop(document, queued);
    const publishedAt = published.acked_at === undefined ? undefined : new Date(published.acked_at);
    const isPublished = published.status === 'done' || published.status === 'unknown';
    const indexed = indexedHop(document, isPublished, publishedAt?.getTime() ?? event.recorded_at.getTime(), publishedAt !== undefined, nowMs, marginMs);
    // The payload, not the columns: filters also look at the user's groups and the access device's address.
    const filterable = filterableEvent(JSON.parse(event.payload) as AuthEvent);
    return {
      txid,
      account_id: accountId,
      margin_seconds: Math.round(marginMs / 1000),
      committed: { status: 'done', at: event.recorded_at.toISOString(), occurred_at: event.occurred_at.toISOString() },
      published,
      indexed,
      webhooks: webhooks.map(({ endpoint, attempts, messageStatus }) =>
        webhookHop({ endpoint, event: filterable, committedAt: event.recorded_at, publishedAt, published: isPublished, attempts, messageStatus, nowMs, marginMs }),
      ),
    };
  }

  /** The event's outbox row, if the relay has not removed it (through ix_outbox_unpublished: the account's shard, then the row). */
  async #outboxRow(accountId: string, authlogId: number): Promise<OutboxRow | undefined> {
    return this.db
      .selectFrom('outbox')
      .select(['created_at', 'published_at'])
      .where(sql<number>`shard`, '=', sql<number>`CRC32(${accountId}) % 64`)
      .where('authlog_id', '=', authlogId)
      .executeTakeFirst();
  }

  async #endpoints(accountId: string, txid: string) {
    const rows = await this.db.selectFrom('webhook_endpoints').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [attempts, messages] = await Promise.all([
      this.db
        .selectFrom('webhook_attempts')
        .select(['endpoint_id', 'attempt', 'attempted_at', 'trigger_type', 'outcome', 'status_code', 'latency_ms', 'error_code', 'error'])
        .where('endpoint_id', 'in', ids)
        .where('message_id', '=', txid)
        .where('account_id', '=', accountId)
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('webhook_messages')
        .select(['endpoint_id', 'status'])
        .where('endpoint_id', 'in', ids)
        .where('message_id', '=', txid)
        .where('account_id', '=', accountId)
        .execute(),
    ]);
    const status = new Map<string, MessageStatus>(messages.map((row) => [row.endpoint_id, row.status]));
    return rows.map((row) => ({
      endpoint: toEndpoint(row),
      messageStatus: status.get(row.id),
      attempts: attempts
        .filter((attempt) => attempt.endpoint_id === row.id)
        .map(
          (attempt): TraceAttempt => ({
            attempt: attempt.attempt,
            at: attempt.attempted_at.toISOString(),
            trigger: attempt.trigger_type,
            outcome: attempt.outcome,
            status_code: attempt.status_code,
            latency_ms: attempt.latency_ms,
            error_code: attempt.error_code,
            error: attempt.error,
          }),
        ),
    }));
  }
}

interface OutboxRow {
  readonly created_at: Date;
  readonly published_at: Date | null;
}

/**
 * Published, from what is recorded: the position the indexer read the event at (in its document);
 * else the outbox: a row still waiting means not yet; no row (the relay deletes it only after Kafka
 * acknowledged it, acks=all) or a row marked published means published, at a position the index
 * will say once the event is indexed. A document without a position was indexed from the Authlog
 * (backfill) or before positions were recorded: published, position unknown.
 */
export function publishedHop(document: IndexedEvent | undefined, queued: OutboxRow | undefined): PublishedHop {
  const kafka = document?.kafka;
  if (kafka !== undefined) {
    const timestampMs = Number(kafka.timestamp);
    return {
      status: 'done',
      partition: kafka.partition,
      offset: kafka.offset,
      ...(Number.isSafeInteger(timestampMs) && timestampMs > 0 ? { acked_at: new Date(timestampMs).toISOString() } : {}),
    };
  }
  if (queued !== undefined && queued.published_at === null) return { status: 'not_yet', detail: `waiting in the outbox since ${queued.created_at.toISOString()}` };
  if (document !== undefined) {
    return { status: 'unknown', detail: 'published; its position was not recorded (indexed from the Authlog by the backfill, or before positions were recorded)' };
  }
  return {
    status: 'done',
    detail: 'published (the relay removes an outbox row only after Kafka acknowledged it); partition and offset are known once the event is indexed',
  };
}

function indexedHop(document: IndexedEvent | undefined, published: boolean, sinceMs: number, sinceIsPublication: boolean, nowMs: number, marginMs: number): IndexedHop {
  if (document !== undefined) {
    return { status: 'done', index: document.index, ...(document.indexedAt === undefined ? {} : { indexed_at: document.indexedAt }) };
  }
  if (!published) return { status: 'not_yet', detail: 'not published yet' };
  const ageSeconds = Math.round((nowMs - sinceMs) / 1000);
  // The publication time is read from the document: until then the wait counts from the commit (longer, never shorter).
  const since = sinceIsPublication ? 'after publication' : 'after publication (counted from the commit)';
  if (nowMs - sinceMs < marginMs) return { status: 'not_yet', detail: `not in the index ${ageSeconds} s ${since}` };
  return { status: 'missing', detail: `not in the index ${ageSeconds} s ${since}` };
}
