import type { Kysely, Selectable } from 'kysely';
import type { WebhookAttemptsTable, WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';

export interface AttemptFilter {
  readonly limit: number;
  /** Attempts older than this attempt id (the previous page's last). */
  readonly before?: string | undefined;
  readonly messageId?: string | undefined;
  readonly outcome?: 'success' | 'failure' | undefined;
  readonly statusClass?: StatusClass | undefined;
  /** attempted_at >= from, < to. */
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
}

/** HTTP status classes of an attempt's answer; `none`: no answer at all (refused, timed out, SSRF-blocked). */
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'none'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

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
  if (filter.statusClass === 'none') query = query.where('status_code', 'is', null);
  else if (filter.statusClass !== undefined) {
    const floor = Number(filter.statusClass[0]) * 100;
    query = query.where('status_code', '>=', floor).where('status_code', '<', floor + 100);
  }
  if (filter.from !== undefined) query = query.where('attempted_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('attempted_at', '<', filter.to);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}
