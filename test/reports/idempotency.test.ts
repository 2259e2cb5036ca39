import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReportsFixture, type ReportsFixture } from './support/reports-fixture.js';

/** Issue 16, Idempotency-Key on the reports API's POST (export links), against the real service and Redis. */
let fixture: ReportsFixture;
beforeAll(async () => {
  fixture = await startReportsFixture({ events: 20, seed: 31 });
});
afterAll(() => fixture?.close());

const range = 'from=2026-09-29&to=2026-11-05&format=ndjson';

async function link(token: string, query: string, key: string | undefined) {
  const answer = await fetch(`${fixture.baseUrl}/v1/logs/export-links?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(key === undefined ? {} : { 'idempotency-key': key }) },
  });
  return { status: answer.status, body: (await answer.json()) as any, replayed: answer.headers.get('idempotent-replayed') };
}

describe('Idempotency-Key on the reports API', () => {
  it('a retried export-link request answers the same link; another query with the key is 422', async () => {
    const token = [...fixture.tokens.values()][0]!;
    const [first, retry] = [await link(token, range, 'export-1'), await link(token, range, 'export-1')];
    expect(first.status).toBe(200);
    expect(retry).toEqual({ ...first, replayed: 'true' });
    // Without the key each request signs a new link: the replay above is what made them equal.
    expect((await link(token, range, undefined)).body.url).not.toBe(first.body.url);
    const reused = await link(token, 'from=2026-10-01&to=2026-11-05&format=ndjson', 'export-1');
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});
