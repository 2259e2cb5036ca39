import type { Kysely } from 'kysely';
import type { Logger } from '../../../shared/log/logger.js';
import { deliveryJobId, type DeliveryQueue } from '../../../shared/webhooks/delivery-queue.js';
import { MessageStore, type MessageRecord } from '../../../shared/webhooks/message-store.js';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';
import type { DeliveryRepair } from './repairs.js';

/**
 * Sends missing deliveries again the way the webhook API's recover does: each message recorded as
 * pending in webhook_messages (its body rebuilt from Authlog), then a `recover` job on the delivery
 * queue; the dispatcher delivers it with the endpoint's limits, signatures and retry schedule and
 * records the outcome. The job id names the ledger and the hour, so two rounds racing over the
 * same hour enqueue a message once.
 */
export class RecoverRepair implements DeliveryRepair {
  readonly #messages: MessageStore;

  constructor(
    db: Kysely<WebhooksDatabase>,
    private readonly queue: DeliveryQueue,
    private readonly logger: Logger,
  ) {
    this.#messages = new MessageStore(db);
  }

  async requeue(accountId: string, endpointId: string, txids: readonly string[], hourStart: Date): Promise<number> {
    const messages: MessageRecord[] = [];
    for (const txid of txids) {
      const message = await this.#messages.eventMessage(accountId, endpointId, txid);
      if (message !== undefined) messages.push(message);
    }
    if (messages.length === 0) return 0;
    await this.#messages.markPending(messages);
    const suffix = `ledger-${hourStart.getTime()}`;
    await this.queue.enqueue(
      messages.map((message) => ({ jobId: deliveryJobId(message.messageId, endpointId, suffix), data: { ...message, trigger: 'recover' as const, tracked: true, createdAt: Date.now() } })),
    );
    this.logger.info({ accountId, endpointId, hourStart, messages: messages.length }, 'ledger repair: deliveries enqueued again');
    return messages.length;
  }
}
