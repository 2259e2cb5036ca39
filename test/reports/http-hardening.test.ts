import { ALL_SCOPES } from '../../shared/auth/scopes.js';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReportsFixture, type ReportsFixture } from './support/reports-fixture.js';

/**
 * Issue 13 items 3, 4 and 5 on the reports API, against a real service, MySQL, Elasticsearch and
 * Redis: authentication before any body, server timeouts, rate limits shared through Redis, and
 * single-use download links bound to the key that made them.
 */
let fixture: ReportsFixture;
let a: string;
let b: string;
const range = { from: '2026-09-29', to: '2026-11-05' };

beforeAll(async () => {
  fixture = await startReportsFixture({
    events: 200,
    seed: 23,
    env: { HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '1500', REPORTS_AUTH_FAILURES_PER_ADDRESS: '5', REPORTS_RATE_PER_KEY: '40', REPORTS_RATE_WINDOW_MS: '60000' },
  });
  [a, b] = fixture.dataset.accounts.map((account) => account.accountId) as [string, string];
});
afterAll(() => fixture?.close());

const as = (account: string) => fixture.tokens.get(account)!;

async function makeLink(token: string): Promise<string> {
  const answer = await fetch(`${fixture.baseUrl}/v1/logs/export-links?from=${range.from}&to=${range.to}&format=ndjson`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { url: string }).url;
}

/** Writes `text` on a raw socket and resolves with what came back and when the server closed it. */
function rawExchange(text: string, waitMs: number): Promise<{ reply: string; closedAfterMs: number | undefined }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(Number(new URL(fixture.baseUrl).port), '127.0.0.1');
    let reply = '';
    let closedAfterMs: number | undefined;
    socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closedAfterMs = Date.now() - started;
      resolve({ reply, closedAfterMs });
    });
    socket.write(text);
    setTimeout(() => {
      socket.destroy();
      resolve({ reply, closedAfterMs });
    }, waitMs);
  });
}

describe('reports API: authentication before the body (13.4)', () => {
  it('answers 401 to an unauthenticated request without reading its body', async () => {
    // Larger than the body limit: read first, this would be a 413.
    const big = await fetch(`${fixture.baseUrl}/v1/logs/export-links`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(100_000) }) });
    expect(big.status).toBe(401);
    // A body announced and never sent: answered at once, not after waiting for it.
    const { reply, closedAfterMs } = await rawExchange('POST /v1/logs/export-links HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n', 1_200);
    expect(reply).toMatch(/^HTTP\/1\.1 401/);
    expect(closedAfterMs ?? 0).toBeLessThan(1_000);
  });

  it('closes a connection whose headers or body arrive too slowly', async () => {
    const slowHeaders = await rawExchange('GET /v1/logs HTTP/1.1\r\nHost: x\r\n', 5_000);
    expect(slowHeaders.closedAfterMs, 'headers timeout').toBeDefined();
    expect(slowHeaders.closedAfterMs!).toBeLessThan(3_500);
    const slowBody = await rawExchange(`POST /v1/logs/export-links HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${as(b)}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`, 6_000);
    expect(slowBody.closedAfterMs, 'request timeout').toBeDefined();
    expect(slowBody.closedAfterMs!).toBeLessThan(4_500);
  });
});

describe('reports API: single-use links bound to their key (13.5)', () => {
  it('a link works once', async () => {
    const url = await makeLink(as(a));
    const first = await fetch(`${fixture.baseUrl}${url}`);
    expect(first.status).toBe(200);
    await first.text();
    const again = await fetch(`${fixture.baseUrl}${url}`);
    expect(again.status).toBe(403);
    expect(((await again.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'EXPORT_LINK_INVALID', message: expect.stringContaining('used') });
  });

  it("a revoked key's links stop working", async () => {
    const { keyId, token } = await fixture.apiKeys.create(a, 'to revoke', ALL_SCOPES);
    const url = await makeLink(token);
    await fixture.apiKeys.revoke(keyId);
    const answer = await fetch(`${fixture.baseUrl}${url}`);
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toContain('revoked');
  });
});

describe('reports API: rate limits (13.3)', () => {
  it('limits each API key on its own: 429 with Retry-After beyond the limit, other keys unaffected', async () => {
    const { token } = await fixture.apiKeys.create(b, 'rate', ALL_SCOPES);
    const answers = await Promise.all(Array.from({ length: 45 }, () => fixture.get('/v1/freshness', {}, token)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(40);
    const refused = answers.find((answer) => answer.status === 429)!;
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fixture.get('/v1/freshness', {}, as(b))).status).toBe(200);
  });

  // Last: from here on this test's address is refused until the window ends, whatever key it sends.
  it('refuses an address that keeps sending bad keys with 429 and Retry-After, before looking them up', async () => {
    const bad = `alk_${'Z'.repeat(16)}_${'q'.repeat(43)}`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 8; attempt += 1) statuses.push((await fixture.get('/v1/logs', range, bad)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const refused = await fixture.get('/v1/logs', range, bad);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
