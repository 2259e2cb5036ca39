import type { KafkaMessage } from 'kafkajs';
import { fromKafkaMessage } from '../../../shared/kafka/cloud-event.js';
import { MalformedCloudEventError } from '../../../shared/kafka/malformed-cloud-event-error.js';
import { deliveryJobId, type DeliveryJobData } from '../../../shared/webhooks/delivery-queue.js';
import { matchesFilters, type FilterableEvent } from '../../../shared/webhooks/endpoint-filters.js';
import { webhookBody, webhookType } from '../../../shared/webhooks/webhook-payload.js';
import type { RoutingEntry } from './endpoint-directory.js';

/** An event from Kafka, ready to be matched against endpoints. */
export interface RoutableEvent {
  readonly messageId: string;
  readonly accountId: string;
  readonly type: string;
  readonly body: string;
  readonly filterable: FilterableEvent;
  readonly createdAt: number;
}

/**
 * Reads one Kafka message (CloudEvents binary mode, see shared/kafka/cloud-event.ts) into a
 * RoutableEvent. Throws MalformedCloudEventError for anything we cannot deliver: missing headers,
 * a value that is not a JSON object, or a body over `maxBodyBytes`.
 */
export function toRoutableEvent(message: KafkaMessage, maxBodyBytes: number): RoutableEvent {
  const attributes = fromKafkaMessage(message);
  const json = attributes.data.toString('utf8');
  let event: unknown;
  try {
    event = JSON.parse(json);
  } catch (error) {
    throw new MalformedCloudEventError(`Kafka message at offset ${message.offset} is not JSON`, { cause: error });
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new MalformedCloudEventError(`Kafka message at offset ${message.offset} is not a JSON object`);
  }
  const fields = event as { account_id?: unknown; result?: unknown; reason?: unknown; application?: { key?: unknown } | null };
  // The account decides whose endpoints see the event: key and body must agree, or nobody gets it.
  if (fields.account_id !== attributes.accountId) {
    throw new MalformedCloudEventError(`event ${attributes.id}: account_id in the body does not match the Kafka key`);
  }
  const type = webhookType(attributes.eventType);
  const body = webhookBody(type, attributes.time, json);
  if (Buffer.byteLength(body) > maxBodyBytes) {
    throw new MalformedCloudEventError(`event ${attributes.id} is larger than the ${maxBodyBytes}-byte webhook limit`);
  }
  return {
    messageId: attributes.id,
    accountId: attributes.accountId,
    type,
    body,
    filterable: {
      eventType: attributes.eventType,
      result: typeof fields.result === 'string' ? fields.result : undefined,
      reason: typeof fields.reason === 'string' ? fields.reason : undefined,
      applicationKey: typeof fields.application?.key === 'string' ? fields.application.key : undefined,
    },
    createdAt: Number(message.timestamp) || Date.now(),
  };
}

/** One job per (event, matching endpoint of the event's account), with deterministic ids. */
export function planDeliveries(
  events: readonly RoutableEvent[],
  routes: ReadonlyMap<string, readonly RoutingEntry[]>,
): { data: DeliveryJobData; jobId: string }[] {
  const jobs: { data: DeliveryJobData; jobId: string }[] = [];
  for (const event of events) {
    for (const endpoint of routes.get(event.accountId) ?? []) {
      if (!matchesFilters(endpoint.filters, event.filterable)) continue;
      jobs.push({
        jobId: deliveryJobId(event.messageId, endpoint.id),
        data: {
          messageId: event.messageId,
          endpointId: endpoint.id,
          accountId: event.accountId,
          type: event.type,
          body: event.body,
          trigger: 'event',
          tracked: false,
          createdAt: event.createdAt,
        },
      });
    }
  }
  return jobs;
}
