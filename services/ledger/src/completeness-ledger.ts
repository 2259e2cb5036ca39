import type { Client } from '@elastic/elasticsearch';
import type { Kysely } from 'kysely';
import type { EndpointHourStatus, HourStatus } from '../../../shared/db/completeness-tables.js';
import type { EventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import type { Logger } from '../../../shared/log/logger.js';
import { toEndpoint, type Endpoint } from '../../../shared/webhooks/endpoint-record.js';
import { HOUR_MS, HourCounter } from './hour-counts.js';
import type { LedgerDatabase } from './ledger-database.js';
import type { LedgerMetrics } from './ledger-metrics.js';
import type { DeliveryRepair, DocumentRepair } from './repairs.js';

export interface LedgerOptions {
  readonly db: Kysely<LedgerDatabase>;
  readonly elasticsearch: Client;
  readonly names: EventIndexNames;
  readonly documents: DocumentRepair;
  readonly deliveries: DeliveryRepair;
  readonly metrics: LedgerMetrics;
  readonly logger: Logger;
  /** An hour is closed once its end is older than this (the pipeline's lag plus a margin). */
  readonly closeAfterMs: number;
  /** Hours filled per round. */
  readonly chunkHours: number;
  /** Where a new ledger starts when no progress is stored (default: the oldest authlog row's hour). */
  readonly startAt?: Date;
  /** Most deliveries one endpoint-hour repair enqueues (the rest: the next check). */
  readonly maxRequeuePerHour: number;
  readonly now?: () => number;
}

export interface RoundSummary {
  readonly from: Date | undefined;
  readonly to: Date | undefined;
  readonly accountHours: number;
  readonly documentGaps: number;
  readonly deliveryGaps: number;
}

/**
 * Fills the completeness ledger for closed hours, a chunk of hours per round, in order: per account
 * and hour, Authlog against Elasticsearch; a short hour is re-indexed from Authlog (the backfill
 * path) and counted again. Then per enabled endpoint created before the hour's end, the events its
 * filters match (counted in Elasticsearch, now complete) against those delivered or recorded as
 * failed; missing ones are enqueued again through the recover path, and endpoint-hours left
 * `requeued` are checked again on later rounds until they match.
 */
export class CompletenessLedger {
  readonly #counter: HourCounter;
  readonly #now: () => number;
  readonly #ledger: string;

  constructor(private readonly options: LedgerOptions) {
    this.#counter = new HourCounter(options.db, options.elasticsearch, options.names);
    this.#now = options.now ?? Date.now;
    this.#ledger = options.names.prefix;
  }

  /** One round: re-checks requeued endpoint-hours, then fills the next chunk of closed hours. */
  async round(): Promise<RoundSummary> {
    await this.#recheckRequeued();
    const closedBefore = Math.floor((this.#now() - this.options.closeAfterMs) / HOUR_MS) * HOUR_MS;
    const start = await this.#nextHour();
    if (start === undefined || start.getTime() >= closedBefore) return { from: undefined, to: undefined, accountHours: 0, documentGaps: 0, deliveryGaps: 0 };
    const from = start;
    const to = new Date(Math.min(closedBefore, from.getTime() + this.options.chunkHours * HOUR_MS));
    let accountHours = 0;
    let documentGaps = 0;
    let deliveryGaps = 0;
    for (const accountId of await this.#counter.accounts(from, to)) {
      const result = await this.#account(accountId, from, to);
      accountHours += result.hours;
      documentGaps += result.documentGaps;
      deliveryGaps += result.deliveryGaps;
    }
    await this.options.db
      .insertInto('completeness_progress')
      .values({ ledger: this.#ledger, next_hour: to })
      .onDuplicateKeyUpdate({ next_hour: to })
      .execute();
    this.options.metrics.nextHour.set(to.getTime() / 1000);
    this.options.logger.info({ from, to, accountHours, documentGaps, deliveryGaps }, 'ledger filled');
    return { from, to, accountHours, documentGaps, deliveryGaps };
  }

  async #account(accountId: string, from: Date, to: Date) {
    const { db, metrics } = this.options;
    const committed = await this.#counter.committed(accountId, from, to);
    let indexed = await this.#counter.indexed(accountId, from, to);
    const missing = new Map<number, number>();
    for (const [hour, count] of committed) {
      const short = count - (indexed.get(hour) ?? 0);
      if (short > 0) missing.set(hour, short);
    }
    let repaired = new Map<number, number>();
    if (missing.size > 0) {
      metrics.gapsFound.inc({ kind: 'documents' }, missing.size);
      for (const hour of missing.keys()) await this.options.documents.reindex(accountId, new Date(hour), new Date(hour + HOUR_MS));
      await this.options.elasticsearch.indices.refresh({ index: this.options.names.alias, ignore_unavailable: true, allow_no_indices: true });
      const before = indexed;
      indexed = await this.#counter.indexed(accountId, from, to);
      repaired = new Map([...missing.keys()].map((hour) => [hour, (indexed.get(hour) ?? 0) - (before.get(hour) ?? 0)]));
    }
    const checkedAt = new Date(this.#now());
    const hours = new Set([...committed.keys(), ...indexed.keys()]);
    for (const hour of hours) {
      const count = committed.get(hour) ?? 0;
      const docs = indexed.get(hour) ?? 0;
      const status: HourStatus = count !== docs ? 'gap' : missing.has(hour) ? 'repaired' : 'complete';
      if (status === 'repaired') metrics.gapsRepaired.inc({ kind: 'documents' });
      const row = { committed: count, indexed: docs, documents_missing: missing.get(hour) ?? 0, documents_repaired: Math.max(0, repaired.get(hour) ?? 0), status, checked_at: checkedAt };
      await db.insertInto('completeness_hours').values({ account_id: accountId, hour_start: new Date(hour), ...row }).onDuplicateKeyUpdate(row).execute();
      if (status === 'gap') this.options.logger.warn({ accountId, hour: new Date(hour), committed: count, indexed: docs }, 'ledger: documents still missing after the repair');
    }
    metrics.hoursChecked.inc(hours.size);

    let deliveryGaps = 0;
    const endpoints = (await db.selectFrom('webhook_endpoints').selectAll().where('account_id', '=', accountId).execute()).map(toEndpoint);
    for (const endpoint of endpoints) {
      if (!endpoint.enabled || endpoint.createdAt.getTime() >= to.getTime()) continue;
      deliveryGaps += await this.#endpoint(endpoint, from, to, checkedAt);
    }
    return { hours: hours.size, documentGaps: missing.size, deliveryGaps };
  }

  /** Compares one endpoint over [from, to) hour by hour; returns the endpoint-hours found short. */
  async #endpoint(endpoint: Endpoint, from: Date, to: Date, checkedAt: Date, previouslyRequeued = 0): Promise<number> {
    const { db, metrics } = this.options;
    const matched = await this.#counter.matched(endpoint.accountId, endpoint.filters, endpoint.createdAt, from, to);
    const settled = await this.#counter.settled(endpoint.accountId, endpoint.id, from, to);
    let gaps = 0;
    for (const [hour, count] of matched) {
      const done = settled.get(hour) ?? 0;
      let status: EndpointHourStatus = done >= count ? 'complete' : 'gap';
      let requeued = previouslyRequeued;
      if (status === 'gap') {
        gaps += 1;
        metrics.gapsFound.inc({ kind: 'deliveries' });
        const hourStart = new Date(hour);
        const hourEnd = new Date(hour + HOUR_MS);
        const wanted = await this.#counter.matchedTxids(endpoint.accountId, endpoint.filters, endpoint.createdAt, hourStart, hourEnd, this.options.maxRequeuePerHour);
        const have = await this.#counter.settledTxids(endpoint.accountId, endpoint.id, hourStart, hourEnd);
        const lost = wanted.filter((txid) => !have.has(txid));
        requeued += await this.options.deliveries.requeue(endpoint.accountId, endpoint.id, lost, hourStart);
        if (lost.length > 0) {
          status = 'requeued';
          metrics.gapsRepaired.inc({ kind: 'deliveries' });
        }
      }
      const row = { matched: count, settled: done, deliveries_missing: Math.max(0, count - done), deliveries_requeued: requeued, status, checked_at: checkedAt };
      await db
        .insertInto('completeness_endpoint_hours')
        .values({ account_id: endpoint.accountId, hour_start: new Date(hour), endpoint_id: endpoint.id, ...row })
        .onDuplicateKeyUpdate(row)
        .execute();
    }
    return gaps;
  }

  /** Endpoint-hours whose deliveries were enqueued again: counted again (and requeued again if still short). */
  async #recheckRequeued(): Promise<void> {
    const rows = await this.options.db.selectFrom('completeness_endpoint_hours').selectAll().where('status', '=', 'requeued').limit(500).execute();
    for (const row of rows) {
      const endpointRow = await this.options.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', row.endpoint_id).where('account_id', '=', row.account_id).executeTakeFirst();
      if (endpointRow === undefined) continue;
      const endpoint = toEndpoint(endpointRow);
      if (!endpoint.enabled) continue;
      const hour = row.hour_start.getTime();
      await this.#recount(endpoint, new Date(hour), new Date(hour + HOUR_MS), row.deliveries_requeued);
    }
  }

  async #recount(endpoint: Endpoint, from: Date, to: Date, requeued: number): Promise<void> {
    const matched = (await this.#counter.matched(endpoint.accountId, endpoint.filters, endpoint.createdAt, from, to)).get(from.getTime()) ?? 0;
    const settled = (await this.#counter.settled(endpoint.accountId, endpoint.id, from, to)).get(from.getTime()) ?? 0;
    // Still short: leave it requeued (the deliveries may still be retrying); matched: repaired.
    if (settled < matched) return;
    await this.options.db
      .updateTable('completeness_endpoint_hours')
      .set({ settled, deliveries_missing: 0, deliveries_requeued: requeued, status: 'repaired', checked_at: new Date(this.#now()) })
      .where('account_id', '=', endpoint.accountId)
      .where('endpoint_id', '=', endpoint.id)
      .where('hour_start', '=', from)
      .execute();
  }

  async #nextHour(): Promise<Date | undefined> {
    const progress = await this.options.db.selectFrom('completeness_progress').select('next_hour').where('ledger', '=', this.#ledger).executeTakeFirst();
    if (progress !== undefined) return progress.next_hour;
    if (this.options.startAt !== undefined) return new Date(Math.floor(this.options.startAt.getTime() / HOUR_MS) * HOUR_MS);
    const oldest = await this.options.db.selectFrom('authlog').select('occurred_at').orderBy('id').limit(1).executeTakeFirst();
    return oldest === undefined ? undefined : new Date(Math.floor(oldest.occurred_at.getTime() / HOUR_MS) * HOUR_MS);
  }
}
