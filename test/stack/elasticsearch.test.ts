import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../shared/elasticsearch/create-elasticsearch.js';
import { testSettings } from '../support/settings.js';
import { uniqueName } from '../support/unique-name.js';
import { elasticsearchConnection } from '../../shared/elasticsearch/elasticsearch-connection.js';

let client: Client;
const index = uniqueName('stack-proof').toLowerCase();

beforeAll(async () => {
  client = createElasticsearch({ connection: elasticsearchConnection(testSettings) });
  await client.indices.create({
    index,
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: {
      dynamic: 'strict',
      properties: { user: { type: 'keyword' }, result: { type: 'keyword' }, at: { type: 'date' }, ip: { type: 'ip' } },
    },
  });
});

afterAll(async () => {
  await client.indices.delete({ index, ignore_unavailable: true });
  await client.close();
});

const docs = [
  { user: 'ada', result: 'success', at: '2026-11-01T10:00:00Z', ip: '203.0.113.7' },
  { user: 'ada', result: 'success', at: '2026-11-01T11:00:00Z', ip: '203.0.113.8' },
  { user: 'bob', result: 'denied', at: '2026-11-01T12:00:00Z', ip: '198.51.100.1' },
  { user: 'cy', result: 'success', at: '2026-11-02T09:00:00Z', ip: '2001:db8::1' },
];

describe('@elastic/elasticsearch against the local node', () => {
  it('bulk indexes with explicit mappings and answers searches and aggregations', async () => {
    const bulk = await client.bulk({ refresh: 'wait_for', operations: docs.flatMap((doc, i) => [{ index: { _index: index, _id: String(i) } }, doc]) });
    expect(bulk.errors).toBe(false);

    const mapping = await client.indices.getMapping({ index });
    expect(mapping[index]?.mappings.properties?.ip).toEqual({ type: 'ip' });

    const cidr = await client.search({ index, query: { term: { ip: '203.0.113.0/24' } } });
    expect(cidr.hits.hits.map((hit) => hit._id).sort()).toEqual(['0', '1']);

    const answer = await client.search({
      index,
      size: 0,
      aggs: {
        by_result: { terms: { field: 'result' } },
        per_day: { date_histogram: { field: 'at', calendar_interval: 'day', time_zone: 'UTC' }, aggs: { users: { cardinality: { field: 'user' } } } },
        users: { cardinality: { field: 'user' } },
      },
    });
    const aggs = answer.aggregations as Record<string, { buckets?: { key: unknown; doc_count: number; users?: { value: number } }[]; value?: number }>;
    expect(aggs.by_result?.buckets?.map((b) => [b.key, b.doc_count])).toEqual([['success', 3], ['denied', 1]]);
    expect(aggs.per_day?.buckets?.map((b) => [b.doc_count, b.users?.value])).toEqual([[3, 2], [1, 1]]);
    expect(aggs.users?.value).toBe(3);
  });

  it('rejects a document that breaks the strict mapping, per document', async () => {
    const bulk = await client.bulk({ operations: [{ index: { _index: index, _id: 'bad' } }, { user: 'x', surprise: true }] });
    expect(bulk.errors).toBe(true);
    expect(bulk.items[0]?.index?.error?.type).toBe('strict_dynamic_mapping_exception');
  });
});
