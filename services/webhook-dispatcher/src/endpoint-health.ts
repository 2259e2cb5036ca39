import type { Kysely } from 'kysely';
import type { Logger } from '../../../shared/log/logger.js';
import type { EndpointChangePublisher } from '../../../shared/webhooks/endpoint-changes.js';
import type { DisabledReason, Endpoint } from '../../../shared/webhooks/endpoint-record.js';
import { disabledColumns } from '../../../shared/webhooks/endpoint-store.js';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';
import { operationalNotice, type EndpointDisabledData, type NoticeSink } from '../../../shared/webhooks/operational/operational-notice.js';
import type { DispatcherMetrics } from './dispatcher-metrics.js';

/**
 * Tracks whether an endpoint keeps failing and disables it (with a reason the customer sees) when it
 * answered 410 Gone or has failed continuously for `disableAfterMs` (5 days by default). MySQL is
 * written only on transitions (first failure after a success, first success after failures,
 * disabling), and each write is announced so every dispatcher's cache follows. The caller that
 * flips an endpoint to disabled (and only that one) emits `endpoint.disabled` to the account's
 * operational endpoint, inside the transaction of the flip: the notice is in Redis before the
 * disable commits, so neither exists without the other (short of a crash between the two).
 */
export class EndpointHealth {
  constructor(
    private readonly db: Kysely<WebhooksDatabase>,
    private readonly changes: EndpointChangePublisher,
    private readonly disableAfterMs: number,
    private readonly metrics: DispatcherMetrics,
    private readonly logger: Logger,
    private readonly notices?: NoticeSink,
  ) {}

  async recordSuccess(endpoint: Endpoint): Promise<void> {
    if (endpoint.failingSince === null) return;
    await this.db
      .updateTable('webhook_endpoints')
      .set({ failing_since: null })
      .where('id', '=', endpoint.id)
      .where('failing_since', 'is not', null)
      .execute();
    await this.changes.publish({ accountId: endpoint.accountId, endpointId: endpoint.id });
  }

  /** Notes a failed attempt; true when the endpoint has now been failing long enough to be disabled (and was). */
  async recordFailure(endpoint: Endpoint, now = new Date()): Promise<boolean> {
    if (endpoint.failingSince === null) {
      await this.db
        .updateTable('webhook_endpoints')
        .set((eb) => ({ failing_since: eb.fn.coalesce('failing_since', eb.val(now)) }))
        .where('id', '=', endpoint.id)
        .execute();
      await this.changes.publish({ accountId: endpoint.accountId, endpointId: endpoint.id });
      return false;
    }
    if (now.getTime() - endpoint.failingSince.getTime() < this.disableAfterMs) return false;
    const hours = Math.round((now.getTime() - endpoint.failingSince.getTime()) / 3_600_000);
    return this.disable(endpoint, 'failing_continuously', `every delivery failed since ${endpoint.failingSince.toISOString()} (${hours} h)`);
  }

  /** Disables the endpoint unless it already is; resolves true: from now on it is disabled. */
  async disable(endpoint: Endpoint, reason: DisabledReason, detail: string): Promise<boolean> {
    const changed = await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('webhook_endpoints')
        .set({ ...disabledColumns(reason, detail), updated_at: new Date() })
        .where('id', '=', endpoint.id)
        .where('enabled', '=', 1)
        .executeTakeFirst();
      const flipped = Number(result.numUpdatedRows) > 0;
      if (flipped && this.notices !== undefined) await this.notices.emit(disabledNotice(endpoint, reason, detail));
      return flipped;
    });
    if (changed) {
      this.metrics.endpointsDisabled.inc({ reason });
      this.logger.warn({ endpointId: endpoint.id, accountId: endpoint.accountId, reason, detail }, 'webhook endpoint disabled');
    }
    await this.changes.publish({ accountId: endpoint.accountId, endpointId: endpoint.id });
    return true;
  }

  async countDisabled(): Promise<number> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('enabled', '=', 0)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}

function disabledNotice(endpoint: Endpoint, reason: DisabledReason, detail: string) {
  const now = new Date();
  const data: EndpointDisabledData = { endpoint_id: endpoint.id, url: endpoint.url, reason, detail, failing_since: endpoint.failingSince?.toISOString() ?? null };
  // One disable is one notice: its time is part of its identity (a later disable is another one).
  return operationalNotice(endpoint.accountId, 'endpoint.disabled', data, [endpoint.id, reason, String(now.getTime())], now);
}
