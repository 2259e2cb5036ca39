import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportsApiDocument } from '../../services/reports/src/http/api-document.js';
import { routeDrift } from '../../testing/openapi-drift.js';
import { startReportsFixture, type ReportsFixture } from './support/reports-fixture.js';

/**
 * The reports service's proxy for the Admin Panel's webhook pages, against a stand-in upstream that
 * records what reaches it: exactly the forwarded headers, the body, no way out of /v1/, a bounded
 * body, and 502 when the upstream does not answer. (The real webhook API behind it is exercised by
 * admin-panel-webhooks.test.ts.)
 */
interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}
let upstream: Server;
let fixture: ReportsFixture;
const seen: Seen[] = [];

beforeAll(async () => {
  upstream = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(201, { 'content-type': 'application/json', 'idempotent-replayed': 'true', 'set-cookie': 'upstream=1' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  fixture = await startReportsFixture({ events: 20, env: { REPORTS_WEBHOOK_API_URL: `http://127.0.0.1:${port}/base/`, REPORTS_WEBHOOK_API_TIMEOUT_MS: '2000' } });
});

afterAll(async () => {
  await fixture?.close();
  if (upstream.listening) await new Promise((resolve) => upstream.close(resolve));
});

const proxied = (path: string, init: RequestInit = {}) => fetch(`${fixture.baseUrl}/webhook-api${path}`, init);

describe('webhook API proxy (REPORTS_WEBHOOK_API_URL)', () => {
  it('forwards method, path, query, body and only the headers the panel needs; answers as the upstream did', async () => {
    const response = await proxied('/v1/endpoints/ep_1/test?x=1', {
      method: 'POST',
      headers: { authorization: 'Bearer alk_secret', 'content-type': 'application/json', 'idempotency-key': 'k-1', cookie: 'session=1', 'x-forwarded-for': '10.0.0.1', 'x-custom': 'no' },
      body: '{"event_type":"authlog.authentication"}',
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    expect(response.headers.get('set-cookie')).toBeNull();
    const [request] = seen.splice(0);
    expect(request).toMatchObject({ method: 'POST', url: '/base/v1/endpoints/ep_1/test?x=1', body: '{"event_type":"authlog.authentication"}' });
    expect(request!.headers).toMatchObject({ authorization: 'Bearer alk_secret', 'content-type': 'application/json', 'idempotency-key': 'k-1' });
    for (const dropped of ['cookie', 'x-custom']) expect(request!.headers[dropped]).toBeUndefined();
    // The client's address as this service saw it, not the one the client claimed.
    expect(request!.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('behind a trusted proxy (REPORTS_TRUSTED_PROXIES, an ingress), passes on the client address the proxy gave', async () => {
    const port = (upstream.address() as AddressInfo).port;
    const behindIngress = await startReportsFixture({
      events: 5,
      env: { REPORTS_WEBHOOK_API_URL: `http://127.0.0.1:${port}/base/`, REPORTS_TRUSTED_PROXIES: '127.0.0.1/32, ::1' },
    });
    try {
      expect((await fetch(`${behindIngress.baseUrl}/webhook-api/v1/endpoints`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(201);
      expect(seen.splice(0)[0]!.headers['x-forwarded-for']).toBe('203.0.113.9');
    } finally {
      await behindIngress.close();
    }
  });

  it('no key is checked here (the webhook API checks it), no path leaves /v1/, and the body is bounded', async () => {
    expect((await proxied('/v1/endpoints')).status).toBe(201);
    expect(seen.splice(0)[0]!.headers.authorization).toBeUndefined();
    expect((await proxied('/v1/%2e%2e/openapi.json')).status).toBe(404);
    expect((await fetch(`${fixture.baseUrl}/webhook-api/v2/endpoints`)).status).toBe(404);
    const large = await proxied('/v1/endpoints', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ description: 'x'.repeat(70_000) }) });
    expect(large.status).toBe(413);
    expect(((await large.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_LARGE');
    expect(seen.splice(0)).toEqual([]);
  });

  it('tells the panel it offers the webhook pages, and documents the proxy routes', async () => {
    expect(await (await fetch(`${fixture.baseUrl}/panel/settings.json`)).json()).toEqual({ webhook_api: true });
    const document = reportsApiDocument({ maxPageSize: 1000, webhookApiProxy: true }) as { paths: Record<string, Record<string, unknown>> };
    expect(routeDrift(fixture.routes(), document)).toEqual({ undocumented: [], unregistered: [] });
  });

  it('answers 502 WEBHOOK_API_UNAVAILABLE when the webhook API does not answer', async () => {
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
    const response = await proxied('/v1/endpoints', { headers: { authorization: 'Bearer alk_secret' } });
    expect(response.status).toBe(502);
    expect(response.headers.get('retry-after')).toBe('5');
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe('WEBHOOK_API_UNAVAILABLE');
    expect(JSON.stringify(body)).not.toContain('alk_secret');
  });
});
