import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';
import { failedMessages, type RecoverFilter } from './failed-messages-query.js';
import type { Endpoint } from '../../../shared/webhooks/endpoint-record.js';
import type { EndpointStore } from '../../../shared/webhooks/endpoint-store.js';
import { newId } from '../../../shared/webhooks/endpoint-store.js';
import { deliveryJobId, type DeliveryQueue, type DeliveryTrigger } from '../../../shared/webhooks/delivery-queue.js';
import type { MessageRecord, MessageStore } from '../../../shared/webhooks/message-store.js';
import { TEST_WEBHOOK_TYPE, testWebhookBody } from '../../../shared/webhooks/webhook-payload.js';
import { exampleWebhookBody } from './event-type-catalog.js';
import { ValidationError } from '../../../shared/errors/validation-error.js';
import { HttpProblem } from '../../../shared/http/http-problem.js';

/**
 * Deliveries the customer asks for: a test event, a replay of one message, the recovery of the
 * failed messages of a time window (and type). Each records its messages as pending in MySQL (with their body)
 * before enqueueing, so the dispatcher reports their outcome there and a failure is recoverable.
 */
export class DeliveryRequests {
  constructor(
    private readonly endpoints: EndpointStore,
    private readonly messages: MessageStore,
    private readonly queue: DeliveryQueue,
    private readonly db: Kysely<WebhooksDatabase>,
    private readonly limits: { recoverMaxAgeMs: number; recoverMaxMessages: number },
  ) {}

  /** `type` (a catalog type, already checked) sends an example event of it instead of the plain ping. */
  async sendTest(accountId: string, endpointId: string, type?: string): Promise<string> {
    const endpoint = await this.#enabledEndpoint(accountId, endpointId);
    const messageId = newId('msg');
    const example = type === undefined ? undefined : exampleWebhookBody(type, accountId, new Date());
    const message = example === undefined || type === undefined
      ? { endpointId: endpoint.id, messageId, accountId, type: TEST_WEBHOOK_TYPE, body: testWebhookBody(accountId, endpoint.id, new Date()) }
      : { endpointId: endpoint.id, messageId, accountId, type, body: example };
    await this.#send(endpoint, [message], 'test', () => undefined);
    return messageId;
  }

  async replay(accountId: string, endpointId: string, messageId: string): Promise<void> {
    const endpoint = await this.#enabledEndpoint(accountId, endpointId);
    const row = await this.messages.find(accountId, endpoint.id, messageId);
    const message: MessageRecord | undefined =
      row === undefined
        ? await this.messages.eventMessage(accountId, endpoint.id, messageId)
        : { endpointId: row.endpoint_id, messageId: row.message_id, accountId: row.account_id, type: row.event_type, body: row.body };
    if (message === undefined) throw new HttpProblem(404, 'NOT_FOUND', 'no such message for this endpoint');
    // A replay is a new delivery on purpose: a fresh job id, the same webhook-id.
    await this.#send(endpoint, [message], 'replay', () => `replay-${randomBytes(6).toString('hex')}`);
  }

  /** Re-enqueues failed messages matching `filter` (failure time window, type), oldest first; returns how many. */
  async recover(accountId: string, endpointId: string, filter: RecoverFilter): Promise<number> {
    const endpoint = await this.#enabledEndpoint(accountId, endpointId);
    if (Date.now() - filter.since.getTime() > this.limits.recoverMaxAgeMs) {
      throw new ValidationError([{ field: 'since', expected: `at most ${Math.round(this.limits.recoverMaxAgeMs / 86_400_000)} days ago` }]);
    }
    if (filter.until !== undefined && filter.until <= filter.since) throw new ValidationError([{ field: 'until', expected: 'a time after since' }]);
    let recovered = 0;
    while (recovered < this.limits.recoverMaxMessages) {
      const rows = await failedMessages(this.db, accountId, endpoint.id, filter, Math.min(1_000, this.limits.recoverMaxMessages - recovered));
      if (rows.length === 0) break;
      const messages = rows.map((row) => ({ endpointId: row.endpoint_id, messageId: row.message_id, accountId, type: row.event_type, body: row.body }));
      // The suffix is the failure time: two recoveries racing over the same failure enqueue it once.
      const failedAt = new Map(rows.map((row) => [row.message_id, row.failed_at?.getTime() ?? 0]));
      await this.#send(endpoint, messages, 'recover', (message) => `recover-${failedAt.get(message.messageId) ?? 0}`);
      recovered += rows.length;
    }
    return recovered;
  }

  async #enabledEndpoint(accountId: string, endpointId: string): Promise<Endpoint> {
    const endpoint = await this.endpoints.get(accountId, endpointId);
    if (!endpoint.enabled) {
      throw new HttpProblem(409, 'ENDPOINT_DISABLED', `the endpoint is disabled (${endpoint.disabledReason ?? 'unknown'}); enable it first`);
    }
    return endpoint;
  }

  async #send(endpoint: Endpoint, messages: readonly MessageRecord[], trigger: DeliveryTrigger, suffix: (message: MessageRecord) => string | undefined): Promise<void> {
    await this.messages.markPending(messages);
    // An endpoint's own schedule sets how many attempts its jobs get (the queue's default: the service's).
    const attempts = endpoint.retrySchedule === null ? undefined : endpoint.retrySchedule.length + 1;
    await this.queue.enqueue(
      messages.map((message) => ({
        jobId: deliveryJobId(message.messageId, message.endpointId, suffix(message)),
        data: { ...message, trigger, tracked: true, createdAt: Date.now() },
        ...(attempts === undefined ? {} : { attempts }),
      })),
    );
  }
}
