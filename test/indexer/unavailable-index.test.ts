import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureEventTemplate } from '../../shared/elasticsearch/event-template.js';
import type { IndexerService } from '../../services/indexer/src/indexer-service.js';
import { uniqueName } from '../support/unique-name.js';
import { eventMessage, simulatedEvents } from './support/event-messages.js';
import { IndexerHarness, waitFor } from './support/indexer-harness.js';

let harness: IndexerHarness;

beforeEach(async () => {
  harness = await new IndexerHarness().setUp(2);
});

afterEach(async () => {
  await harness.cleanup();
});

/** Messages in the dead-letter topic (its high watermarks): 0 means nothing was ever dead-lettered. */
async function deadLettered(): Promise<number> {
  const marks = await harness.admin.fetchTopicOffsets(harness.dlqTopic);
  return marks.reduce((sum, mark) => sum + Number(mark.high), 0);
}

async function degradedWithoutDeadLetters(service: IndexerService): Promise<boolean> {
  expect(await deadLettered()).toBe(0);
  return service.health().status === 'degraded';
}

const retriesOf = async (service: IndexerService, kind: string) => (await service.metrics.retries.get()).values.find((entry) => entry.labels.kind === kind)?.value ?? 0;

/**
 * For `ms`, while the index cannot take writes: nothing committed, nothing dead-lettered, the
 * indexer degraded with consumption paused, and the same documents retried.
 */
async function holdsEverything(service: IndexerService, ms: number): Promise<void> {
  const until = Date.now() + ms;
  let sawPaused = false;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await harness.committedTotal()).toBe(0);
    expect(await deadLettered()).toBe(0);
    sawPaused ||= (await service.metrics.paused.get()).values[0]?.value === 1;
  }
  expect(service.health().status).toBe('degraded');
  expect(sawPaused).toBe(true);
  expect(await retriesOf(service, 'index_unavailable')).toBeGreaterThan(0);
}

describe('an index that refuses writes for a reason of the cluster, not of the documents', () => {
  it('a closed monthly index: retried with back-off without committing, nothing dead-lettered, everything indexed once it is opened', async () => {
    const events = simulatedEvents(300, { accountPrefix: uniqueName('acct'), from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-20T00:00:00Z') });
    const service = await harness.startIndexer({ INDEXER_BATCH_MAX_DOCS: '100', INDEXER_RETRY_INITIAL_MS: '100', INDEXER_RETRY_MAX_MS: '1000' });
    // The month's index exists (from the template the indexer installed) and is closed.
    const index = `${harness.prefix}-events-2026.11`;
    await harness.es.indices.create({ index });
    await harness.es.indices.close({ index });
    await harness.produce(events.map((event) => eventMessage(event)));

    await waitFor('the indexer degraded', () => degradedWithoutDeadLetters(service), 30_000);
    await holdsEverything(service, 6_000);

    await harness.es.indices.open({ index });
    await waitFor('every message committed once the index is open', () => harness.allCommitted(), 30_000);
    expect(await harness.count()).toBe(300);
    expect(await deadLettered()).toBe(0);
    await waitFor('health back to ok', () => service.health().status === 'ok', 5_000);
  });

  it('the shard limit (a new month whose index would open more shards than the cluster allows): retried, not dead-lettered, indexed once the template is fixed', async () => {
    const events = simulatedEvents(200, { accountPrefix: uniqueName('acct'), from: new Date('2026-09-01T00:00:00Z'), to: new Date('2026-09-20T00:00:00Z') });
    const service = await harness.startIndexer({ INDEXER_RETRY_INITIAL_MS: '100', INDEXER_RETRY_MAX_MS: '1000' });
    // 1,024 shards is more than a node's max_shards_per_node (1,000): Elasticsearch refuses to
    // create the index (validation_exception, 400) and creates nothing, so other tests are untouched.
    await ensureEventTemplate(harness.es, harness.names, { shards: 1_024 });
    await harness.produce(events.map((event) => eventMessage(event)));

    await waitFor('the indexer degraded', () => degradedWithoutDeadLetters(service), 30_000);
    await holdsEverything(service, 4_000);

    await ensureEventTemplate(harness.es, harness.names);
    await waitFor('every message committed once the template is fixed', () => harness.allCommitted(), 30_000);
    expect(await harness.count()).toBe(200);
    expect(await deadLettered()).toBe(0);
  });
});
