import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { EndpointStore } from '../../../shared/webhooks/endpoint-store.js';
import type { MessageStore } from '../../../shared/webhooks/message-store.js';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';
import { listAttempts } from './attempt-queries.js';
import { listMessages } from './message-list-query.js';
import { decodeMessageCursor, encodeMessageCursor } from './message-cursor.js';
import type { NextAttempts } from './next-attempts.js';
import { callerOf } from '../../../shared/http/api-key-hook.js';
import type { DeliveryRequests } from './delivery-requests.js';
import { parseInput, type RequestSchemas } from './request-schemas.js';
import { testEventType } from './event-type-routes.js';
import { attemptView, messageView } from './views.js';

export interface DeliveryRouteDependencies {
  readonly db: Kysely<WebhooksDatabase>;
  readonly endpoints: EndpointStore;
  readonly messages: MessageStore;
  readonly nextAttempts: NextAttempts;
  readonly requests: DeliveryRequests;
  readonly schemas: RequestSchemas;
}

type WithId = { Params: { endpointId: string } };
type WithMessage = { Params: { endpointId: string; messageId: string } };

/** Deliveries of an endpoint: send a test event, read the attempt log and messages, replay, recover. */
export function deliveryRoutes(app: FastifyInstance, deps: DeliveryRouteDependencies): void {
  const { endpoints, schemas } = deps;

  app.post<WithId>('/v1/endpoints/:endpointId/test', async (request, reply) => {
    const type = testEventType(parseInput(schemas.sendTest, request.body).event_type);
    const messageId = await deps.requests.sendTest(callerOf(request).accountId, request.params.endpointId, type);
    return reply.code(202).send({ message_id: messageId });
  });

  app.get<WithId>('/v1/endpoints/:endpointId/attempts', async (request) => {
    const { accountId } = callerOf(request);
    const query = parseInput(schemas.listAttempts, request.query);
    await endpoints.get(accountId, request.params.endpointId);
    const rows = await listAttempts(deps.db, accountId, request.params.endpointId, {
      limit: query.limit,
      before: query.before,
      messageId: query.message_id,
      outcome: query.outcome,
      statusClass: query.status_class,
      from: query.from === undefined ? undefined : new Date(query.from),
      to: query.to === undefined ? undefined : new Date(query.to),
    });
    return { data: rows.map(attemptView), next_before: rows.length === query.limit ? String(rows.at(-1)?.id) : null };
  });

  app.get<WithId>('/v1/endpoints/:endpointId/messages', async (request) => {
    const { accountId } = callerOf(request);
    const query = parseInput(schemas.listMessages, request.query);
    const endpoint = await endpoints.get(accountId, request.params.endpointId);
    const page = await listMessages(deps.db, accountId, endpoint.id, {
      limit: query.limit,
      before: query.before === undefined ? undefined : decodeMessageCursor(query.before),
      status: query.status,
      eventType: query.event_type,
      from: query.from === undefined ? undefined : new Date(query.from),
      to: query.to === undefined ? undefined : new Date(query.to),
    });
    const waiting = page.messages.filter((message) => message.status === 'failing' || message.status === 'pending');
    const due = await deps.nextAttempts.of(endpoint.id, waiting.map((message) => ({ messageId: message.position.messageId, failedAt: message.recorded?.failed_at ?? null })));
    return {
      data: page.messages.map((message) => messageView(message, due.get(message.position.messageId))),
      next_before: page.next === undefined ? null : encodeMessageCursor(page.next),
    };
  });

  app.post<WithMessage>('/v1/endpoints/:endpointId/messages/:messageId/replay', async (request, reply) => {
    parseInput(schemas.empty, request.body);
    await deps.requests.replay(callerOf(request).accountId, request.params.endpointId, request.params.messageId);
    return reply.code(202).send({ message_id: request.params.messageId });
  });

  app.post<WithId>('/v1/endpoints/:endpointId/recover', async (request, reply) => {
    const input = parseInput(schemas.recover, request.body);
    const recovered = await deps.requests.recover(callerOf(request).accountId, request.params.endpointId, {
      since: new Date(input.since),
      until: input.until === undefined ? undefined : new Date(input.until),
      eventType: input.event_type,
    });
    return reply.code(202).send({ recovered });
  });
}
