import type { Kysely, Selectable } from 'kysely';
import type { WebhookAttemptsTable, WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';

export interface AttemptFilter {
  readonly limit: number;
  /** Attempts older than this attempt id (the previous page's last). */
  readonly before?: string | undefined;
  readonly messageId?: string | undefined;
  readonly outcome?: 'success' | 'failure' | undefined;
}

/** Delivery attempts of one endpoint of the caller's account, newest first. */
export async function listAttempts(
  db: Kysely<WebhooksDatabase>,
  accountId: string,
  endpointId: string,
  filter: AttemptFilter,
): Promise<Selectable<WebhookAttemptsTable>[]> {
  let query = db.selectFrom('webhook_attempts').selectAll().where('endpoint_id', '=', endpointId).where('account_id', '=', accountId);
  if (filter.before !== undefined) query = query.where('id', '<', Number(filter.before));
  if (filter.messageId !== undefined) query = query.where('message_id', '=', filter.messageId);
  if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}
