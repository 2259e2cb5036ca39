import type { Kysely, Selectable } from 'kysely';
import { cloudEventType } from '../kafka/cloud-event.js';
import { webhookBody } from './webhook-payload.js';
import type { MessageStatus, WebhookMessagesTable, WebhooksDatabase } from './webhook-tables.js';

export type MessageRow = Selectable<WebhookMessagesTable>;

export interface MessageRecord {
  readonly endpointId: string;
  readonly messageId: string;
  readonly accountId: string;
  readonly type: string;
  readonly body: string;
}

/**
 * Durable state of messages that Redis alone must not hold (see the migration): failed ones until
 * recovered, and API-sent ones while in flight. Reads are scoped by account like every customer read.
 */
export class MessageStore {
  constructor(private readonly db: Kysely<WebhooksDatabase>) {}

  /** Records messages about to be (re)sent through the API as pending, keeping their body. */
  async markPending(messages: readonly MessageRecord[]): Promise<void> {
    if (messages.length === 0) return;
    await this.db
      .insertInto('webhook_messages')
      .values(messages.map((message) => ({ ...columns(message), status: 'pending' as const, last_error: null, failed_at: null })))
      .onDuplicateKeyUpdate({ status: 'pending', updated_at: new Date() })
      .execute();
  }

  /** Retries are exhausted (or the endpoint is disabled): kept as failed, recoverable through the API. */
  async markFailed(message: MessageRecord, error: string): Promise<void> {
    const now = new Date();
    await this.db
      .insertInto('webhook_messages')
      .values({ ...columns(message), status: 'failed', last_error: error.slice(0, 512), failed_at: now })
      .onDuplicateKeyUpdate({ status: 'failed', last_error: error.slice(0, 512), failed_at: now, updated_at: now })
      .execute();
  }

  async markDelivered(endpointId: string, messageId: string): Promise<void> {
    await this.db
      .updateTable('webhook_messages')
      .set({ status: 'delivered', last_error: null, updated_at: new Date() })
      .where('endpoint_id', '=', endpointId)
      .where('message_id', '=', messageId)
      .execute();
  }

  async find(accountId: string, endpointId: string, messageId: string): Promise<MessageRow | undefined> {
    return this.db
      .selectFrom('webhook_messages')
      .selectAll()
      .where('endpoint_id', '=', endpointId)
      .where('message_id', '=', messageId)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
  }

  /** Messages of an endpoint, most recently changed first, optionally of one status. */
  async list(accountId: string, endpointId: string, options: { status?: MessageStatus | undefined; limit: number }): Promise<MessageRow[]> {
    let query = this.db.selectFrom('webhook_messages').selectAll().where('endpoint_id', '=', endpointId).where('account_id', '=', accountId);
    if (options.status !== undefined) query = query.where('status', '=', options.status);
    return query.orderBy('updated_at', 'desc').limit(options.limit).execute();
  }

  /** Failed messages of an endpoint whose failure is at or after `since`, oldest first. */
  async failedSince(accountId: string, endpointId: string, since: Date, limit: number): Promise<MessageRow[]> {
    return this.db
      .selectFrom('webhook_messages')
      .selectAll()
      .where('endpoint_id', '=', endpointId)
      .where('account_id', '=', accountId)
      .where('status', '=', 'failed')
      .where('failed_at', '>=', since)
      .orderBy('failed_at')
      .limit(limit)
      .execute();
  }

  /** The body of a real event's webhook, rebuilt from the Authlog (the system of record). */
  async eventMessage(accountId: string, endpointId: string, txid: string): Promise<MessageRecord | undefined> {
    const row = await this.db
      .selectFrom('authlog')
      .select(['payload', 'occurred_at', 'event_type'])
      .where('txid', '=', txid)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const type = cloudEventType(row.event_type);
    return { endpointId, messageId: txid, accountId, type, body: webhookBody(type, row.occurred_at.toISOString(), row.payload) };
  }
}

function columns(message: MessageRecord) {
  return { endpoint_id: message.endpointId, message_id: message.messageId, account_id: message.accountId, event_type: message.type, body: message.body };
}
