import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportsApiDocument, reportsApiOperations } from '../../services/reports/src/http/api-document.js';
import { reportsSettings } from '../../services/reports/src/reports-settings.js';
import { openApiShape } from '../../shared/http/openapi/openapi-route.js';
import { AnswerChecker, documentProblems, routeDrift, type CheckedAnswer } from '../../testing/openapi-drift.js';
import { startReportsFixture, type ReportsFixture } from './support/reports-fixture.js';
import type { Kysely } from 'kysely';
import { KeyRing } from '../../shared/crypto/key-ring.js';
import type { CompletenessDatabase } from '../../shared/db/completeness-tables.js';
import { NO_FILTERS } from '../../shared/webhooks/endpoint-filters.js';
import { EndpointStore } from '../../shared/webhooks/endpoint-store.js';
import type { WebhooksDatabase } from '../../shared/webhooks/webhook-tables.js';

/**
 * The reports API against its OpenAPI document (issue 16): the routes Fastify registered are the
 * document's, the served document is valid OpenAPI 3.1 in shape, and real answers of every route
 * (a success and, where one can be provoked, an error) match the schema the document gives for
 * their status.
 */
let fixture: ReportsFixture;
const settings = { maxPageSize: reportsSettings.REPORTS_MAX_PAGE_SIZE.parse(undefined) };
const range = { from: '2026-09-29', to: '2026-11-05' };

beforeAll(async () => {
  fixture = await startReportsFixture({ events: 400, seed: 5 });
});
afterAll(() => fixture?.close());

async function seedWebhookAndLedger(accountId: string, txid: string): Promise<string> {
  const db = fixture.database.db as unknown as Kysely<WebhooksDatabase & CompletenessDatabase>;
  const store = new EndpointStore(db, KeyRing.parse(KeyRing.generateEntry('drift')));
  const { endpoint } = await store.create(accountId, { url: 'https://hooks.example.com/drift', description: 'drift', filters: NO_FILTERS, rateLimitPerSecond: null, maxConcurrency: 1 });
  const at = new Date();
  await db
    .insertInto('webhook_attempts')
    .values({ endpoint_id: endpoint.id, account_id: accountId, message_id: txid, attempt: 1, trigger_type: 'event', attempted_at: at, outcome: 'failure', status_code: 500, latency_ms: 12, error_code: 'HTTP_STATUS', error: 'answered 500', response_excerpt: 'no' })
    .execute();
  const hour = new Date('2026-10-01T10:00:00Z');
  await db.insertInto('completeness_hours').values({ account_id: accountId, hour_start: hour, committed: 5, indexed: 5, documents_missing: 0, documents_repaired: 0, status: 'complete', checked_at: at }).execute();
  await db
    .insertInto('completeness_endpoint_hours')
    .values({ account_id: accountId, hour_start: hour, endpoint_id: endpoint.id, matched: 5, settled: 4, deliveries_missing: 1, deliveries_requeued: 1, status: 'requeued', checked_at: at })
    .execute();
  return endpoint.id;
}

async function call(method: string, path: string, options: { token?: string | null; query?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<CheckedAnswer> {
  const token = options.token === undefined ? fixture.tokens.get(fixture.dataset.accounts[0]?.accountId ?? '') : options.token;
  const query = new URLSearchParams(options.query ?? {});
  const response = await fetch(`${fixture.baseUrl}${path}${query.size === 0 ? '' : `?${query}`}`, {
    method,
    redirect: 'manual',
    headers: { ...(token === null || token === undefined ? {} : { authorization: `Bearer ${token}` }), ...options.headers },
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  return { status: response.status, contentType, body: text === '' ? undefined : contentType?.startsWith('application/json') === true ? JSON.parse(text) : text };
}

describe('reports API OpenAPI document', () => {
  it('is served without a key, valid OpenAPI 3.1 in shape, generated from the routes\' schemas, and lists exactly the registered routes', async () => {
    const served = await call('GET', '/openapi.json', { token: null });
    expect(served.status).toBe(200);
    const document = openApiShape.parse(served.body);
    expect(documentProblems(served.body as Parameters<typeof documentProblems>[0])).toEqual([]);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(reportsApiDocument(settings))));
    expect(fixture.routes().length).toBeGreaterThan(10);
    expect(routeDrift(fixture.routes(), document)).toEqual({ undocumented: [], unregistered: [] });
  });

  it('every route answers, on success and on error, what the document says for that status', async () => {
    const checker = new AnswerChecker(reportsApiOperations(settings), (await call('GET', '/openapi.json', { token: null })).body as { paths: Record<string, unknown> });
    const as = async (method: string, route: string, path: string, options: Parameters<typeof call>[2] = {}) => {
      const answer = await call(method, path, options);
      checker.check(method, route, answer);
      return answer;
    };
    const get = (route: string, query: Record<string, string> = {}, options: Parameters<typeof call>[2] = {}) => as('GET', route, route, { ...options, query });

    expect((await get('/v1/reports/distinct-users', range)).status).toBe(200);
    expect((await get('/v1/reports/distinct-users', { ...range, exact: 'true' })).status).toBe(200);
    expect((await get('/v1/reports/distinct-users', { ...range, exact: 'yes' })).status).toBe(400);
    expect((await get('/v1/reports/out-of-date', { ...range, exact: 'true' })).status).toBe(200);
    expect((await get('/v1/reports/out-of-date', range)).status).toBe(200);
    expect((await get('/v1/reports/out-of-date', { ...range, top: '51' })).status).toBe(400);
    expect((await get('/v1/reports/volume', range)).status).toBe(200);
    expect((await get('/v1/reports/volume', { ...range, interval: 'fortnight' })).status).toBe(400);
    expect((await get('/v1/reports/breakdown', { ...range, by: 'application' })).status).toBe(200);
    expect((await get('/v1/reports/breakdown', range)).status).toBe(400);

    const page = await get('/v1/logs', { ...range, limit: '5' });
    expect(page.status).toBe(200);
    const cursor = (page.body as { next_cursor: string | null }).next_cursor;
    expect(cursor).not.toBeNull();
    expect((await get('/v1/logs', { limit: '5', cursor: cursor ?? '' })).status).toBe(200);
    expect((await get('/v1/logs', { ...range, limit: '0' })).status).toBe(400);
    expect((await get('/v1/logs/export', { ...range, format: 'ndjson' })).status).toBe(200);
    expect((await get('/v1/logs/export', { ...range, format: 'xml' })).status).toBe(400);

    const link = await as('POST', '/v1/logs/export-links', '/v1/logs/export-links', { query: { ...range, format: 'csv' } });
    expect(link.status).toBe(200);
    expect((await as('POST', '/v1/logs/export-links', '/v1/logs/export-links', { query: { ...range, format: 'xml' } })).status).toBe(400);
    const download = (link.body as { url: string }).url;
    expect((await as('GET', '/v1/downloads/:token', download, { token: null })).status).toBe(200);
    expect((await as('GET', '/v1/downloads/:token', download, { token: null })).status).toBe(403);

    expect((await get('/v1/account')).status).toBe(200);
    expect((await get('/v1/account', {}, { token: null })).status).toBe(401);
    expect((await get('/v1/freshness')).status).toBe(200);
    expect((await get('/v1/freshness', { account_id: 'someone_else' })).status).toBe(400);

    // An endpoint with a failed attempt at the event, and a ledger hour, so nested answers are not empty lists.
    const accountId = fixture.dataset.accounts[0]!.accountId;
    const event = fixture.dataset.events.find((candidate) => candidate.account_id === accountId)!;
    const endpointId = await seedWebhookAndLedger(accountId, event.txid);
    const owner = {};
    const trace = await as('GET', '/v1/events/:txid/trace', `/v1/events/${event.txid}/trace`, owner);
    expect(trace.status).toBe(200);
    expect(trace.body).toMatchObject({ webhooks: [{ endpoint_id: endpointId, attempts: [{ outcome: 'failure' }] }] });
    expect((await as('GET', '/v1/events/:txid/trace', '/v1/events/no-such-txid/trace', owner)).status).toBe(404);
    expect((await as('GET', '/v1/events/:txid/trace', '/v1/events/%21bad/trace', owner)).status).toBe(400);
    const ledger = await get('/v1/completeness', range);
    expect(ledger.status).toBe(200);
    expect(ledger.body).toMatchObject({ hours: [{ endpoints: [{ endpoint_id: endpointId }] }] });
    expect((await get('/v1/completeness', { ...range, format: 'csv' })).status).toBe(200);
    expect((await get('/v1/completeness', { ...range, format: 'xml' })).status).toBe(400);

    expect((await get('/', {}, { token: null })).status).toBe(302);
    const panel = await get('/panel/', {}, { token: null });
    expect(panel.status).toBe(200);
    expect((await as('GET', '/panel/:file', '/panel/app.js', { token: null })).status).toBe(200);
    expect((await as('GET', '/panel/:file', '/panel/nothing.js', { token: null })).status).toBe(404);
    const chart = await get('/vendor/chart.umd.min.js', {}, { token: null });
    expect(chart.status).toBe(200);
    expect((await get('/openapi.json', {}, { token: null })).status).toBe(200);

    expect(checker.uncovered()).toEqual([]);
  });
});
