import type { KafkaMessage } from 'kafkajs';
import type { AuthEvent } from '../../../shared/event/auth-event.js';
import { DecodeFailure } from '../../../shared/kafka/decode-failure.js';
import { decodeEventMessage } from '../../../shared/kafka/event-message-decoder.js';
import type { DeliveryJobData } from '../../../shared/webhooks/delivery-queue.js';
import { filterableEvent, matchesFilters, type FilterableEvent } from '../../../shared/webhooks/endpoint-filters.js';
import { webhookBody } from '../../../shared/webhooks/webhook-payload.js';
import type { RoutingEntry } from './endpoint-directory.js';

/** An event from Kafka, ready to be matched against endpoints. */
export interface RoutableEvent {
  readonly messageId: string;
  readonly accountId: string;
  /** The webhook type: the message's ce_type, unchanged. */
  readonly type: string;
  readonly body: string;
  readonly filterable: FilterableEvent;
  /** The Kafka message's timestamp (the relay publishes after the commit): when the event was committed, at the latest. */
  readonly createdAt: number;
}

/**
 * Reads one Kafka message into a RoutableEvent with the decoder the indexer uses
 * (shared/kafka/event-message-decoder.ts), so the dispatcher accepts and refuses exactly the
 * messages the indexer does; a DecodeFailure is dead-lettered. A valid event whose webhook body is
 * over `maxBodyBytes` is refused as WEBHOOK_BODY_TOO_LARGE.
 */
export function toRoutableEvent(message: KafkaMessage, maxBodyBytes: number): RoutableEvent | DecodeFailure {
  return decodeEventMessage(message, routable, { message, maxBodyBytes });
}

function routable(event: AuthEvent, raw: Buffer | undefined, type: string, { message, maxBodyBytes }: { message: KafkaMessage; maxBodyBytes: number }): RoutableEvent | DecodeFailure {
  // The value's own bytes when they are the canonical event; the validated event serialised otherwise.
  const body = webhookBody(type, event.timestamp, raw === undefined ? JSON.stringify(event) : raw.toString('utf8'));
  if (Buffer.byteLength(body) > maxBodyBytes) {
    return new DecodeFailure('WEBHOOK_BODY_TOO_LARGE', `event ${event.txid}: its webhook body is larger than WEBHOOK_MAX_BODY_BYTES=${maxBodyBytes}`);
  }
  return {
    messageId: event.txid,
    accountId: event.account_id,
    type,
    body,
    filterable: filterableEvent(event),
    createdAt: Number(message.timestamp) || Date.now(),
  };
}

/**
 * The ids of the endpoints (of the event's account) whose filters match the event. An endpoint gets
 * only events committed after it was created: a group without offsets starts a little before the
 * oldest endpoint's creation (start-position.ts), and re-reads after a reset go back that far too,
 * so younger endpoints must not receive what came before them.
 */
export function matchingEndpoints(event: RoutableEvent, routes: ReadonlyMap<string, readonly RoutingEntry[]>): string[] {
  const ids: string[] = [];
  for (const endpoint of routes.get(event.accountId) ?? []) {
    if (event.createdAt >= endpoint.createdAt && matchesFilters(endpoint.filters, event.filterable)) ids.push(endpoint.id);
  }
  return ids;
}

/** The job data of a first attempt (a Kafka event to one endpoint); also what is handed to BullMQ. */
export function eventDelivery(event: RoutableEvent, endpointId: string): DeliveryJobData {
  return {
    messageId: event.messageId,
    endpointId,
    accountId: event.accountId,
    type: event.type,
    body: event.body,
    trigger: 'event',
    tracked: false,
    createdAt: event.createdAt,
  };
}
