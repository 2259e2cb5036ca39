import type { Kysely } from 'kysely';
import type { MessageRow } from '../../../shared/webhooks/message-store.js';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';

/** Which failed messages a bulk recover sends again. */
export interface RecoverFilter {
  /** Failed at or after. */
  readonly since: Date;
  /** Failed before. */
  readonly until?: Date | undefined;
  /** A webhook type, e.g. authlog.authentication. */
  readonly eventType?: string | undefined;
}

/**
 * The oldest `limit` failed messages of an endpoint matching the filter (index
 * ix_webhook_messages_status: endpoint, status, failed_at; the type is checked on those rows).
 * Recovering marks them pending, so the next call returns the following ones.
 */
export async function failedMessages(db: Kysely<WebhooksDatabase>, accountId: string, endpointId: string, filter: RecoverFilter, limit: number): Promise<MessageRow[]> {
  let query = db
    .selectFrom('webhook_messages')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .where('account_id', '=', accountId)
    .where('status', '=', 'failed')
    .where('failed_at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('failed_at', '<', filter.until);
  if (filter.eventType !== undefined) query = query.where('event_type', '=', filter.eventType);
  return query.orderBy('failed_at').orderBy('message_id').limit(limit).execute();
}
