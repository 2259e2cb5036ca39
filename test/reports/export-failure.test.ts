import { afterAll, beforeAll, expect, it } from 'vitest';
import { testSettings } from '../support/settings.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { startReportsFixture, type ReportsFixture } from './support/reports-fixture.js';

/**
 * An export that loses Elasticsearch midway must not look complete: the status line (200) is gone
 * by then, so the connection is cut and the client's read fails instead of ending cleanly.
 */
let fixture: ReportsFixture;
let proxy: TcpProxy;

beforeAll(async () => {
  const es = new URL(testSettings.AUTHLOG_ES_URL);
  proxy = await TcpProxy.start({ host: es.hostname, port: Number(es.port) });
  fixture = await startReportsFixture({ events: 2_000, seed: 3, env: { AUTHLOG_ES_URL: `http://127.0.0.1:${proxy.port}`, REPORTS_EXPORT_PAGE_SIZE: '10', REPORTS_ES_TIMEOUT_MS: '3000' } });
});
afterAll(async () => {
  await proxy?.restore();
  await fixture?.close();
  await proxy?.close();
});

it('cuts the response off when Elasticsearch fails during an export', async () => {
  const account = fixture.dataset.accounts[0]!.accountId;
  const response = await fetch(`${fixture.baseUrl}/v1/logs/export?format=ndjson&from=2026-09-29&to=2026-11-05`, { headers: { authorization: `Bearer ${fixture.tokens.get(account)}` } });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const first = await reader.read();
  expect(first.done).toBe(false);
  // ~110 pages of 10 events, one Elasticsearch round trip each: far from done when the cut comes.
  await proxy.cut();
  const readAll = async () => {
    for (;;) if ((await reader.read()).done) return 'ended cleanly';
  };
  await expect(readAll()).rejects.toThrow();
  await proxy.restore();
  // and the service is fine afterwards
  expect((await fixture.get('/v1/reports/volume', { from: '2026-09-29', to: '2026-11-05' }, fixture.tokens.get(account))).status).toBe(200);
});
