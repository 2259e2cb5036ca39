import type { Kysely, Selectable } from 'kysely';
import { cloudEventType } from '../../../shared/kafka/cloud-event.js';
import type { WebhookAttemptsTable, WebhookMessagesTable, WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';
import type { MessagePosition } from './message-cursor.js';
import { messagePositions, type PositionRange } from './message-positions.js';
import { listedStatus, type ListedMessageStatus } from './message-status.js';

export interface MessageListFilter extends PositionRange {
  readonly limit: number;
  readonly status?: ListedMessageStatus | undefined;
  /** A webhook type, e.g. authlog.authentication. */
  readonly eventType?: string | undefined;
}

export type RecordedMessage = Pick<Selectable<WebhookMessagesTable>, 'message_id' | 'status' | 'event_type' | 'last_error' | 'failed_at' | 'updated_at'>;

export interface ListedMessage {
  readonly position: MessagePosition;
  readonly type: string | null;
  readonly status: ListedMessageStatus;
  readonly attempts: number;
  readonly lastAttempt: Selectable<WebhookAttemptsTable> | undefined;
  readonly recorded: RecordedMessage | undefined;
}

export interface MessagePage {
  readonly messages: ListedMessage[];
  /** Where the next page starts; undefined on the last. */
  readonly next: MessagePosition | undefined;
}

/**
 * Messages examined per request at most: status and event type are decided per message, so a
 * filter matching little would otherwise walk the endpoint's whole history in one request. A page
 * cut short by it still has a `next`; the client goes on from there.
 */
export const MAX_MESSAGES_EXAMINED = 2_000;

/** One page of an endpoint's messages, newest first, filtered by status and event type. */
export async function listMessages(db: Kysely<WebhooksDatabase>, accountId: string, endpointId: string, filter: MessageListFilter): Promise<MessagePage> {
  const batchSize = Math.min(500, Math.max(100, filter.limit * 2));
  const listed: ListedMessage[] = [];
  let before = filter.before;
  let examined = 0;
  for (;;) {
    const positions = await messagePositions(db, accountId, endpointId, { ...filter, before }, batchSize);
    const described = await describe(db, accountId, endpointId, positions);
    for (const message of described) {
      examined += 1;
      if (filter.status !== undefined && message.status !== filter.status) continue;
      if (filter.eventType !== undefined && message.type !== filter.eventType) continue;
      listed.push(message);
      if (listed.length === filter.limit) return { messages: listed, next: message.position };
    }
    before = positions.at(-1);
    if (positions.length < batchSize || before === undefined) return { messages: listed, next: undefined };
    if (examined >= MAX_MESSAGES_EXAMINED) return { messages: listed, next: before };
  }
}

/** Attempts, last attempt, recorded state and type of each position: four indexed reads per batch. */
async function describe(db: Kysely<WebhooksDatabase>, accountId: string, endpointId: string, positions: readonly MessagePosition[]): Promise<ListedMessage[]> {
  if (positions.length === 0) return [];
  const ids = positions.map((position) => position.messageId);
  const [counts, recorded] = await Promise.all([
    db
      .selectFrom('webhook_attempts')
      .select((eb) => ['message_id', eb.fn.countAll().as('attempts'), eb.fn.max('id').as('last_id')])
      .where('endpoint_id', '=', endpointId)
      .where('account_id', '=', accountId)
      .where('message_id', 'in', ids)
      .groupBy('message_id')
      .execute(),
    db
      .selectFrom('webhook_messages')
      .select(['message_id', 'status', 'event_type', 'last_error', 'failed_at', 'updated_at'])
      .where('endpoint_id', '=', endpointId)
      .where('account_id', '=', accountId)
      .where('message_id', 'in', ids)
      .execute(),
  ]);
  const lastIds = counts.map((row) => Number(row.last_id));
  const recordedById = new Map(recorded.map((row) => [row.message_id, row]));
  const unrecorded = ids.filter((id) => !recordedById.has(id));
  const [lastAttempts, events] = await Promise.all([
    lastIds.length === 0 ? [] : db.selectFrom('webhook_attempts').selectAll().where('endpoint_id', '=', endpointId).where('id', 'in', lastIds).execute(),
    // A message without a row is an event's: its type is in the Authlog (the system of record).
    unrecorded.length === 0 ? [] : db.selectFrom('authlog').select(['txid', 'event_type']).where('account_id', '=', accountId).where('txid', 'in', unrecorded).execute(),
  ]);
  const countById = new Map(counts.map((row) => [row.message_id, Number(row.attempts)]));
  const lastById = new Map(lastAttempts.map((row) => [row.message_id, row]));
  const typeById = new Map(events.map((row) => [row.txid, cloudEventType(row.event_type)]));
  return positions.map((position) => {
    const row = recordedById.get(position.messageId);
    const last = lastById.get(position.messageId);
    return {
      position,
      type: row?.event_type ?? typeById.get(position.messageId) ?? null,
      status: listedStatus(row === undefined ? undefined : { status: row.status, updatedAt: row.updated_at }, last === undefined ? undefined : { outcome: last.outcome, attemptedAt: last.attempted_at }),
      attempts: countById.get(position.messageId) ?? 0,
      lastAttempt: last,
      recorded: row,
    };
  });
}
