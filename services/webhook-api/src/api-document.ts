import { z } from 'zod';
import type { ApiOperation } from '../../../shared/http/openapi/api-operation.js';
import { openApiDocument } from '../../../shared/http/openapi/openapi-document.js';
import type { JsonObject } from '../../../shared/http/openapi/json-schema-of.js';
import { openApiOperation } from '../../../shared/http/openapi/openapi-route.js';
import type { RequestSchemas } from './request-schemas.js';
import * as answers from './response-schemas.js';
import { keyOperations } from './keys/key-operations.js';
import { webhookApiPolicies } from './route-policies.js';

const endpointParams = z.object({ endpointId: z.string().describe('the endpoint id (ep_...)') });
const messageParams = endpointParams.extend({ messageId: z.string().describe('the message id: webhook-id of the delivery (a txid or msg_...)') });
const noEndpoint = { description: 'no such endpoint (or message) in the key\'s account: another account\'s ids read as unknown', errors: ['NOT_FOUND'] };
const refusedSetting = {
  description: 'a custom header the dispatcher owns (RESERVED_HEADER, field headers.<name>), or timeout_ms / retry_schedule outside the WEBHOOK_ENDPOINT_* bounds (OUT_OF_BOUNDS, field named)',
  errors: ['RESERVED_HEADER', 'OUT_OF_BOUNDS'],
};
const disabled = { description: 'the endpoint is disabled: enable it first', errors: ['ENDPOINT_DISABLED'] };

/**
 * Every route of the webhook API, with the zod schemas its handler validates with (`schemas`, the
 * same object the routes get) and the schemas of its answers. The OpenAPI document is generated
 * from this list; test/webhooks/openapi-drift.test.ts holds it to the routes Fastify registered
 * and to real answers.
 */
export function webhookApiOperations(schemas: RequestSchemas): ApiOperation[] {
  const endpoints = 'Endpoints';
  const deliveries = 'Deliveries';
  return [
    {
      method: 'POST', path: '/v1/endpoints', operationId: 'createEndpoint', tag: endpoints, auth: 'apiKey',
      summary: 'Register an endpoint; the answer holds its signing secret',
      body: schemas.createEndpoint,
      responses: {
        201: { description: 'the endpoint, with its secret', schema: answers.createdEndpointSchema, name: 'CreatedEndpoint' },
        409: { description: 'the account has WEBHOOK_MAX_ENDPOINTS_PER_ACCOUNT endpoints', errors: ['ENDPOINT_LIMIT_REACHED'] },
        422: refusedSetting,
      },
    },
    {
      method: 'GET', path: '/v1/endpoints', operationId: 'listEndpoints', tag: endpoints, auth: 'apiKey',
      summary: 'The account\'s endpoints, in creation order',
      query: schemas.listEndpoints,
      responses: { 200: { description: 'a page of endpoints', schema: answers.endpointListSchema, name: 'EndpointList' } },
    },
    {
      method: 'GET', path: '/v1/endpoints/:endpointId', operationId: 'getEndpoint', tag: endpoints, auth: 'apiKey',
      summary: 'One endpoint (never its secret)', params: endpointParams,
      responses: { 200: { description: 'the endpoint', schema: answers.endpointSchema, name: 'Endpoint' }, 404: noEndpoint },
    },
    {
      method: 'PATCH', path: '/v1/endpoints/:endpointId', operationId: 'updateEndpoint', tag: endpoints, auth: 'apiKey',
      summary: 'Change an endpoint; fields left out keep their value', params: endpointParams,
      body: schemas.updateEndpoint,
      responses: { 200: { description: 'the endpoint', schema: answers.endpointSchema, name: 'Endpoint' }, 404: noEndpoint, 422: refusedSetting },
    },
    {
      method: 'DELETE', path: '/v1/endpoints/:endpointId', operationId: 'deleteEndpoint', tag: endpoints, auth: 'apiKey',
      summary: 'Delete an endpoint, its secrets, messages and attempt log', params: endpointParams,
      responses: { 204: { description: 'deleted' }, 404: noEndpoint },
    },
    {
      method: 'POST', path: '/v1/endpoints/:endpointId/enable', operationId: 'enableEndpoint', tag: endpoints, auth: 'apiKey',
      summary: 'Enable an endpoint and reset its failure clock', params: endpointParams,
      body: schemas.empty,
      responses: { 200: { description: 'the endpoint, enabled', schema: answers.endpointSchema, name: 'Endpoint' }, 404: noEndpoint },
    },
    {
      method: 'GET', path: '/v1/endpoints/:endpointId/secret', operationId: 'getEndpointSecret', tag: endpoints, auth: 'apiKey',
      summary: 'The current signing secret and any rotated one still signing', params: endpointParams,
      responses: { 200: { description: 'the secrets', schema: answers.secretSchema, name: 'EndpointSecrets' }, 404: noEndpoint },
    },
    {
      method: 'POST', path: '/v1/endpoints/:endpointId/secret/rotate', operationId: 'rotateEndpointSecret', tag: endpoints, auth: 'apiKey',
      summary: 'A new signing secret; the old one keeps signing for WEBHOOK_SECRET_GRACE_MS', params: endpointParams,
      body: schemas.rotateSecret,
      responses: { 200: { description: 'the new secret', schema: answers.rotatedSecretSchema, name: 'RotatedSecret' }, 404: noEndpoint },
    },
    {
      method: 'POST', path: '/v1/endpoints/:endpointId/test', operationId: 'sendTestEvent', tag: deliveries, auth: 'apiKey',
      summary: 'Send an authlog.test ping, or an example event of a catalog type', params: endpointParams,
      body: schemas.sendTest,
      responses: {
        202: { description: 'queued; its attempts appear in the attempt log', schema: answers.acceptedMessageSchema, name: 'AcceptedMessage' },
        404: noEndpoint,
        409: disabled,
        422: { description: 'event_type is not a type of GET /v1/event-types', errors: ['UNKNOWN_EVENT_TYPE'] },
        429: { description: 'over the test-event quota (WEBHOOK_API_TEST_PER_KEY) or the request limit', errors: ['RATE_LIMITED'] },
      },
    },
    {
      method: 'GET', path: '/v1/endpoints/:endpointId/attempts', operationId: 'listAttempts', tag: deliveries, auth: 'apiKey',
      summary: 'The endpoint\'s delivery attempts, newest first; filtered by message_id, outcome, status_class (2xx..5xx, or none: no HTTP answer) and from/to (when attempted)', params: endpointParams,
      query: schemas.listAttempts,
      responses: { 200: { description: 'a page of attempts', schema: answers.attemptListSchema, name: 'AttemptList' }, 404: noEndpoint },
    },
    {
      method: 'GET', path: '/v1/endpoints/:endpointId/messages', operationId: 'listMessages', tag: deliveries, auth: 'apiKey',
      summary: 'The endpoint\'s messages, newest first by when each was first seen, with status, attempts and next attempt; filtered by status, event_type and from/to (first seen); before is the opaque cursor of next_before', params: endpointParams,
      query: schemas.listMessages,
      responses: { 200: { description: 'messages', schema: answers.messageListSchema, name: 'MessageList' }, 404: noEndpoint },
    },
    {
      method: 'GET', path: '/v1/endpoints/:endpointId/stats', operationId: 'endpointStats', tag: deliveries, auth: 'apiKey',
      summary: 'Attempts by outcome and latency over 24 h and 28 days, the failing streak and the queue, from hourly rollups (not a scan of the attempt log)', params: endpointParams,
      responses: { 200: { description: 'statistics', schema: answers.endpointStatsSchema, name: 'EndpointStats' }, 404: noEndpoint },
    },
    {
      method: 'POST', path: '/v1/endpoints/:endpointId/messages/:messageId/replay', operationId: 'replayMessage', tag: deliveries, auth: 'apiKey',
      summary: 'Send one message again, same webhook-id', params: messageParams,
      body: schemas.empty,
      responses: {
        202: { description: 'queued', schema: answers.acceptedMessageSchema, name: 'AcceptedMessage' },
        404: noEndpoint,
        409: disabled,
        429: { description: 'over the replay quota (WEBHOOK_API_REPLAY_PER_KEY) or the request limit', errors: ['RATE_LIMITED'] },
      },
    },
    {
      method: 'POST', path: '/v1/endpoints/:endpointId/recover', operationId: 'recoverMessages', tag: deliveries, auth: 'apiKey',
      summary: 'Send again every failed message whose failure is at or after `since` (and before `until`), of `event_type` if given, oldest first, same webhook-id', params: endpointParams,
      body: schemas.recover,
      responses: {
        202: { description: 'how many messages were queued again', schema: answers.recoveredSchema, name: 'Recovered' },
        404: noEndpoint,
        409: disabled,
        429: { description: 'over the replay quota (WEBHOOK_API_REPLAY_PER_KEY) or the request limit', errors: ['RATE_LIMITED'] },
      },
    },
    {
      method: 'GET', path: '/v1/event-types', operationId: 'listEventTypes', tag: 'Event types', auth: 'apiKey',
      summary: 'Every webhook type: its JSON Schema (generated from the event model) and an example',
      responses: { 200: { description: 'the catalog', schema: answers.eventTypeListSchema, name: 'EventTypeList' } },
    },
    ...operationalOperations(schemas),
    ...keyOperations(),
    openApiOperation,
  ];
}

/** The account's one operational endpoint: notices about its endpoints and messages. */
function operationalOperations(schemas: RequestSchemas): ApiOperation[] {
  const tag = 'Operational endpoint';
  const none = { description: 'the account has no operational endpoint', errors: ['NOT_FOUND'] };
  return [
    {
      method: 'PUT', path: '/v1/operational-endpoint', operationId: 'putOperationalEndpoint', tag, auth: 'apiKey',
      summary: 'Create or replace the account\'s operational endpoint, which receives endpoint.disabled, endpoint.enabled, message.attempt.failing, message.attempt.exhausted and message.attempt.recovered, signed like every webhook with its own secret; url is checked like an endpoint\'s (https, public addresses: else 400 VALIDATION_FAILED, field url)',
      body: schemas.putOperationalEndpoint,
      responses: {
        200: { description: 'replaced (url, and description and enabled when given); secret is null', schema: answers.putOperationalEndpointSchema, name: 'PutOperationalEndpoint' },
        201: { description: 'created, with its signing secret (shown this once; rotate for a new one)', schema: answers.putOperationalEndpointSchema, name: 'PutOperationalEndpoint' },
      },
    },
    {
      method: 'GET', path: '/v1/operational-endpoint', operationId: 'getOperationalEndpoint', tag, auth: 'apiKey',
      summary: 'The account\'s operational endpoint (never its secret)',
      responses: { 200: { description: 'the operational endpoint', schema: answers.operationalEndpointSchema, name: 'OperationalEndpoint' }, 404: none },
    },
    {
      method: 'DELETE', path: '/v1/operational-endpoint', operationId: 'deleteOperationalEndpoint', tag, auth: 'apiKey',
      summary: 'Delete the operational endpoint, its secrets and its attempt log; notices queued meanwhile are dropped',
      responses: { 204: { description: 'deleted' }, 404: none },
    },
    {
      method: 'POST', path: '/v1/operational-endpoint/secret/rotate', operationId: 'rotateOperationalEndpointSecret', tag, auth: 'apiKey',
      summary: 'A new signing secret; the old one keeps signing for WEBHOOK_SECRET_GRACE_MS',
      body: schemas.rotateSecret,
      responses: { 200: { description: 'the new secret', schema: answers.rotatedSecretSchema, name: 'RotatedSecret' }, 404: none },
    },
    {
      method: 'GET', path: '/v1/operational-endpoint/attempts', operationId: 'listOperationalAttempts', tag, auth: 'apiKey',
      summary: 'Delivery attempts of notices to the operational endpoint, newest first (message_id is the notice\'s webhook-id)',
      query: schemas.listAttempts,
      responses: { 200: { description: 'a page of attempts, each with its notice\'s type', schema: answers.operationalAttemptListSchema, name: 'OperationalAttemptList' }, 404: none },
    },
  ];
}

/** The document served at GET /openapi.json and committed as docs/openapi/webhook-api.json. */
export function webhookApiDocument(schemas: RequestSchemas): JsonObject {
  return openApiDocument({
    title: 'Authlog webhook API',
    version: '1',
    description:
      'Endpoints, signing secrets, test events, the delivery attempt log, replay and recovery; API keys and the audit log of changes. Every /v1 route needs an API key holding the scope its security names, and is scoped to the key\'s account. Errors share one body (ErrorBody; codes in docs/http-errors.md). Bounds that depend on settings (max_concurrency) are those of the serving instance; docs/openapi/webhook-api.json shows the defaults.',
    operations: webhookApiOperations(schemas),
    policies: webhookApiPolicies,
  });
}
