import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TcpProxy } from '../support/tcp-proxy.js';
import { testSettings } from '../support/settings.js';
import { uniqueName } from '../support/unique-name.js';
import { eventMessage, simulatedEvents } from './support/event-messages.js';
import { IndexerHarness, waitFor } from './support/indexer-harness.js';

let harness: IndexerHarness;
let proxy: TcpProxy;

beforeEach(async () => {
  harness = await new IndexerHarness().setUp(2);
  const es = new URL(testSettings.AUTHLOG_ES_URL);
  proxy = await TcpProxy.start({ host: es.hostname, port: Number(es.port || 9200) });
});

afterEach(async () => {
  await proxy.restore();
  await harness.cleanup();
  await proxy.close();
});

describe('Elasticsearch unreachable for 30 s', () => {
  it('pauses, retries the same bulks without committing, and loses nothing once Elasticsearch is back', async () => {
    const events = simulatedEvents(500, { accountPrefix: uniqueName('acct'), from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-20T00:00:00Z') });
    const messages = events.map((event) => eventMessage(event));
    // Only the indexer goes through the proxy; the test reads Elasticsearch directly.
    const service = await harness.startIndexer({
      AUTHLOG_ES_URL: `http://127.0.0.1:${proxy.port}`,
      INDEXER_RETRY_INITIAL_MS: '100',
      INDEXER_RETRY_MAX_MS: '2000',
      INDEXER_BULK_TIMEOUT_MS: '5000',
      INDEXER_BATCH_MAX_DOCS: '50',
    });
    await harness.produce(messages.slice(0, 200));
    await waitFor('the first 200 committed', () => harness.allCommitted());
    expect(await harness.count()).toBe(200);

    await proxy.cut();
    const outageStarted = Date.now();
    await harness.produce(messages.slice(200));
    // For 30 s: the indexer reports degraded, pauses the topic, and commits nothing new.
    let sawPaused = false;
    while (Date.now() - outageStarted < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await harness.committedTotal()).toBe(200);
      if (Date.now() - outageStarted > 5_000) {
        expect(service.health().status).toBe('degraded');
        sawPaused ||= (await service.metrics.paused.get()).values[0]?.value === 1;
      }
    }
    expect(sawPaused).toBe(true);
    const retries = (await service.metrics.retries.get()).values.find((entry) => entry.labels.kind === 'request')?.value ?? 0;
    expect(retries).toBeGreaterThan(5);

    await proxy.restore();
    await waitFor('every message committed after the outage', () => harness.allCommitted(), 30_000);
    expect(await harness.count()).toBe(500);
    expect(await harness.count({ terms: { txid: events.slice(200).map((event) => event.txid) } })).toBe(300);
    expect(service.health().status).toBe('ok');
    expect((await service.metrics.paused.get()).values[0]?.value).toBe(0);
  }, 90_000);
});
