import { ALL_SCOPES } from '../../shared/auth/scopes.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiShape } from '../../shared/http/openapi/openapi-route.js';
import { webhookApiDocument, webhookApiOperations } from '../../services/webhook-api/src/api-document.js';
import { requestSchemas } from '../../services/webhook-api/src/request-schemas.js';
import { webhookApiSettings } from '../../services/webhook-api/src/webhook-api-settings.js';
import { AnswerChecker, documentProblems, routeDrift, type CheckedAnswer } from '../../testing/openapi-drift.js';
import { uniqueName } from '../support/unique-name.js';
import { startApi } from './support/api-client.js';
import { Receiver } from './support/receiver.js';
import { WebhookFixture } from './support/webhook-fixture.js';

/**
 * The webhook API against its OpenAPI document (issue 16): the routes Fastify registered are the
 * document's, the served document is valid OpenAPI 3.1 in shape, and real answers of every route
 * (a success and an error each) match the schema the document gives for their status.
 */
let fixture: WebhookFixture;
let api: Awaited<ReturnType<typeof startApi>>;
let receiver: Receiver;

// The service runs with the settings' defaults for the bounds the schemas carry.
const schemas = requestSchemas({
  defaultMaxConcurrency: webhookApiSettings.WEBHOOK_DEFAULT_MAX_CONCURRENCY.parse(undefined),
  maxConcurrencyLimit: webhookApiSettings.WEBHOOK_MAX_CONCURRENCY_LIMIT.parse(undefined),
});

beforeAll(async () => {
  fixture = await WebhookFixture.create();
  await fixture.startDispatcher();
  api = await startApi(fixture);
  receiver = await Receiver.start();
});

afterAll(async () => {
  await api?.stop();
  await fixture?.cleanup();
  await receiver?.close();
});

async function call(method: string, path: string, options: { token?: string | undefined; body?: unknown; headers?: Record<string, string> } = {}): Promise<CheckedAnswer> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: {
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  return { status: response.status, contentType, body: text === '' ? undefined : contentType?.startsWith('application/json') === true ? JSON.parse(text) : text };
}

describe('webhook API OpenAPI document', () => {
  it('is served without a key, valid OpenAPI 3.1 in shape, generated from the routes\' schemas, and lists exactly the registered routes', async () => {
    const served = await call('GET', '/openapi.json');
    expect(served.status).toBe(200);
    const document = openApiShape.parse(served.body);
    expect(document.openapi).toBe('3.1.0');
    expect(documentProblems(served.body as Parameters<typeof documentProblems>[0])).toEqual([]);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(webhookApiDocument(schemas))));
    expect(api.service.routes.length).toBeGreaterThan(10);
    expect(routeDrift(api.service.routes, document)).toEqual({ undocumented: [], unregistered: [] });
  });

  it('every route answers, on success and on error, what the document says for that status', async () => {
    const checker = new AnswerChecker(webhookApiOperations(schemas), (await call('GET', '/openapi.json')).body as { paths: Record<string, unknown> });
    const { token } = await api.keys.create(uniqueName('acct'), 'drift', ALL_SCOPES);
    const as = async (method: string, route: string, path: string, options: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {}) => {
      const answer = await call(method, path, { ...options, token: options.token === null ? undefined : (options.token ?? token) });
      checker.check(method, route, answer);
      return answer;
    };
    const created = await as('POST', '/v1/endpoints', '/v1/endpoints', { body: { url: receiver.url(), description: 'drift', filters: { results: ['denied'] } } });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    expect((await as('POST', '/v1/endpoints', '/v1/endpoints', { body: { url: 'ftp://nowhere' } })).status).toBe(400);

    expect((await as('GET', '/v1/endpoints', '/v1/endpoints?limit=10')).status).toBe(200);
    expect((await as('GET', '/v1/endpoints', '/v1/endpoints?limit=0')).status).toBe(400);
    expect((await as('GET', '/v1/endpoints/:endpointId', `/v1/endpoints/${id}`)).status).toBe(200);
    expect((await as('GET', '/v1/endpoints/:endpointId', '/v1/endpoints/ep_unknown')).status).toBe(404);
    expect((await as('PATCH', '/v1/endpoints/:endpointId', `/v1/endpoints/${id}`, { body: { description: 'drift (2)', rate_limit_per_second: 5 } })).status).toBe(200);
    expect((await as('PATCH', '/v1/endpoints/:endpointId', `/v1/endpoints/${id}`, { body: { colour: 'red' } })).status).toBe(400);
    expect((await as('GET', '/v1/endpoints/:endpointId/secret', `/v1/endpoints/${id}/secret`)).status).toBe(200);
    expect((await as('GET', '/v1/endpoints/:endpointId/secret', '/v1/endpoints/ep_unknown/secret')).status).toBe(404);
    expect((await as('POST', '/v1/endpoints/:endpointId/secret/rotate', `/v1/endpoints/${id}/secret/rotate`, { body: {} })).status).toBe(200);
    expect((await as('POST', '/v1/endpoints/:endpointId/secret/rotate', `/v1/endpoints/${id}/secret/rotate`, { body: { secret: 'whsec_short' } })).status).toBe(400);
    expect((await as('GET', '/v1/endpoints/:endpointId/secret', `/v1/endpoints/${id}/secret`)).status).toBe(200);

    const sent = await as('POST', '/v1/endpoints/:endpointId/test', `/v1/endpoints/${id}/test`, { body: { event_type: 'authlog.authentication' } });
    expect(sent.status).toBe(202);
    const messageId = (sent.body as { message_id: string }).message_id;
    expect((await as('POST', '/v1/endpoints/:endpointId/test', `/v1/endpoints/${id}/test`, { body: { event_type: 'authlog.nothing' } })).status).toBe(422);
    // The same key and body answer the first answer; another body with it is refused.
    const keyed = { 'idempotency-key': uniqueName('idem') };
    const first = await as('POST', '/v1/endpoints/:endpointId/test', `/v1/endpoints/${id}/test`, { body: {}, headers: keyed });
    expect(await as('POST', '/v1/endpoints/:endpointId/test', `/v1/endpoints/${id}/test`, { body: {}, headers: keyed })).toEqual(first);
    expect((await as('POST', '/v1/endpoints/:endpointId/test', `/v1/endpoints/${id}/test`, { body: { event_type: 'authlog.authentication' }, headers: keyed })).status).toBe(422);

    await expect.poll(async () => ((await call('GET', `/v1/endpoints/${id}/attempts`, { token })).body as { data: unknown[] }).data.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect((await as('GET', '/v1/endpoints/:endpointId/attempts', `/v1/endpoints/${id}/attempts?limit=1`)).status).toBe(200);
    expect((await as('GET', '/v1/endpoints/:endpointId/attempts', `/v1/endpoints/${id}/attempts?outcome=maybe`)).status).toBe(400);
    await expect.poll(async () => ((await call('GET', `/v1/endpoints/${id}/messages`, { token })).body as { data: unknown[] }).data.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    expect((await as('GET', '/v1/endpoints/:endpointId/messages', `/v1/endpoints/${id}/messages`)).status).toBe(200);
    expect((await as('GET', '/v1/endpoints/:endpointId/messages', `/v1/endpoints/${id}/messages?status=lost`)).status).toBe(400);
    expect((await as('GET', '/v1/endpoints/:endpointId/messages', `/v1/endpoints/${id}/messages?before=nope`)).status).toBe(400);
    expect((await as('GET', '/v1/endpoints/:endpointId/stats', `/v1/endpoints/${id}/stats`)).status).toBe(200);
    expect((await as('GET', '/v1/endpoints/:endpointId/stats', '/v1/endpoints/ep_unknown/stats')).status).toBe(404);

    const replay = '/v1/endpoints/:endpointId/messages/:messageId/replay';
    expect((await as('POST', replay, `/v1/endpoints/${id}/messages/${messageId}/replay`, { body: {} })).status).toBe(202);
    expect((await as('POST', replay, `/v1/endpoints/${id}/messages/msg_unknown/replay`, { body: {} })).status).toBe(404);
    const since = new Date(Date.now() - 3_600_000).toISOString();
    expect((await as('POST', '/v1/endpoints/:endpointId/recover', `/v1/endpoints/${id}/recover`, { body: { since } })).status).toBe(202);
    expect((await as('POST', '/v1/endpoints/:endpointId/recover', `/v1/endpoints/${id}/recover`, { body: { since: 'yesterday' } })).status).toBe(400);
    expect((await as('POST', '/v1/endpoints/:endpointId/recover', `/v1/endpoints/${id}/recover`, { body: { since, until: new Date().toISOString(), event_type: 'authlog.authentication', status: 'failed' } })).status).toBe(202);

    expect((await as('PATCH', '/v1/endpoints/:endpointId', `/v1/endpoints/${id}`, { body: { disabled: true } })).status).toBe(200);
    expect((await as('POST', '/v1/endpoints/:endpointId/test', `/v1/endpoints/${id}/test`, { body: {} })).status).toBe(409);
    expect((await as('POST', '/v1/endpoints/:endpointId/recover', `/v1/endpoints/${id}/recover`, { body: { since } })).status).toBe(409);
    expect((await as('POST', '/v1/endpoints/:endpointId/enable', `/v1/endpoints/${id}/enable`, { body: {} })).status).toBe(200);
    expect((await as('POST', '/v1/endpoints/:endpointId/enable', '/v1/endpoints/ep_unknown/enable', { body: {} })).status).toBe(404);
    expect((await as('POST', '/v1/endpoints/:endpointId/enable', `/v1/endpoints/${id}/enable`, { body: '{"x": ' })).status).toBe(400);

    expect((await as('GET', '/v1/event-types', '/v1/event-types')).status).toBe(200);
    expect((await as('GET', '/v1/event-types', '/v1/event-types', { token: null })).status).toBe(401);
    expect((await as('GET', '/openapi.json', '/openapi.json', { token: null })).status).toBe(200);

    expect((await as('DELETE', '/v1/endpoints/:endpointId', `/v1/endpoints/${id}`)).status).toBe(204);
    expect((await as('DELETE', '/v1/endpoints/:endpointId', `/v1/endpoints/${id}`)).status).toBe(404);

    // The operational endpoint: one per account, created once (201) then replaced (200).
    const op = '/v1/operational-endpoint';
    expect((await as('GET', op, op)).status).toBe(404);
    expect((await as('PUT', op, op, { body: { url: receiver.url('/ops') } })).status).toBe(201);
    expect((await as('PUT', op, op, { body: { url: receiver.url('/ops'), description: 'ops', enabled: true } })).status).toBe(200);
    expect((await as('PUT', op, op, { body: { url: 'ftp://nowhere' } })).status).toBe(400);
    expect((await as('GET', op, op)).status).toBe(200);
    expect((await as('POST', `${op}/secret/rotate`, `${op}/secret/rotate`, { body: {} })).status).toBe(200);
    expect((await as('POST', `${op}/secret/rotate`, `${op}/secret/rotate`, { body: { secret: 'whsec_short' } })).status).toBe(400);
    expect((await as('GET', `${op}/attempts`, `${op}/attempts?limit=5`)).status).toBe(200);
    expect((await as('GET', `${op}/attempts`, `${op}/attempts?outcome=maybe`)).status).toBe(400);
    expect((await as('DELETE', op, op)).status).toBe(204);
    expect((await as('DELETE', op, op)).status).toBe(404);
    expect((await as('POST', `${op}/secret/rotate`, `${op}/secret/rotate`, { body: {} })).status).toBe(404);
    expect((await as('GET', `${op}/attempts`, `${op}/attempts`)).status).toBe(404);

    // Keys and the audit log; a key without a route's scope is refused with 403.
    const made = await as('POST', '/v1/api-keys', '/v1/api-keys', { body: { name: 'reader', scopes: ['webhooks:read'] } });
    expect(made.status).toBe(201);
    const reader = made.body as { id: string; token: string };
    expect((await as('POST', '/v1/api-keys', '/v1/api-keys', { body: { name: 'x', scopes: ['everything'] } })).status).toBe(400);
    expect((await as('POST', '/v1/api-keys', '/v1/api-keys', { body: { name: 'x', scopes: ['webhooks:read'] }, token: reader.token })).status).toBe(403);
    expect((await as('GET', '/v1/api-keys', '/v1/api-keys?limit=5')).status).toBe(200);
    expect((await as('GET', '/v1/api-keys', '/v1/api-keys?after=bad')).status).toBe(400);
    expect((await as('GET', '/v1/audit-log', '/v1/audit-log?limit=5')).status).toBe(200);
    expect((await as('GET', '/v1/audit-log', '/v1/audit-log?before=x')).status).toBe(400);
    expect((await as('POST', '/v1/api-keys/:keyId/revoke', `/v1/api-keys/${reader.id}/revoke`, { body: {} })).status).toBe(200);
    expect((await as('POST', '/v1/api-keys/:keyId/revoke', '/v1/api-keys/AAAAAAAAAAAAAAAA/revoke', { body: {} })).status).toBe(404);
    const ownId = token.slice(4, 20);
    expect((await as('POST', '/v1/api-keys/:keyId/revoke', `/v1/api-keys/${ownId}/revoke`, { body: {} })).status).toBe(409);

    // GET /openapi.json has no error to provoke (only a 500): a success is enough there.
    expect(checker.uncovered()).toEqual([]);
  });
});
