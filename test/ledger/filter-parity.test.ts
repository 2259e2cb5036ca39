import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@elastic/elasticsearch';
import { createElasticsearch } from '../../shared/elasticsearch/create-elasticsearch.js';
import { elasticsearchConnection } from '../../shared/elasticsearch/elasticsearch-connection.js';
import { toEventDocument } from '../../shared/elasticsearch/event-document.js';
import { eventMappings } from '../../shared/elasticsearch/event-mappings.js';
import type { AuthEvent } from '../../shared/event/auth-event.js';
import { parseAuthEvent } from '../../shared/event/parse-auth-event.js';
import { endpointFiltersSchema, filterableEvent, matchesFilters } from '../../shared/webhooks/endpoint-filters.js';
import { filterQueries } from '../../services/ledger/src/hour-counts.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { testSettings } from '../support/settings.js';
import { uniqueName } from '../support/unique-name.js';

/**
 * The ledger counts in Elasticsearch what the dispatcher matches in process: for the users, groups
 * and ip filters the two must agree on every event, or the ledger would report (and "repair")
 * deliveries an endpoint was never meant to get. Real Elasticsearch, the events index's mappings.
 */
let elasticsearch: Client;
const index = uniqueName('filter-parity').toLowerCase();
const ACCOUNT = 'acct_parity';
let events: AuthEvent[];

beforeAll(async () => {
  elasticsearch = createElasticsearch({ connection: elasticsearchConnection(testSettings) });
  await elasticsearch.indices.create({ index, mappings: eventMappings });
  const device = (ip: string | null) => ({ ...sampleEvent().access_device, ip });
  const user = (key: string, groups: string[]) => ({ key, name: key, groups });
  events = [
    sampleEvent({ account_id: ACCOUNT, user: user('DU-a', ['admins']), access_device: device('10.1.2.3') }),
    sampleEvent({ account_id: ACCOUNT, user: user('DU-b', ['Admins', 'eng']), access_device: device('10.2.0.1') }),
    sampleEvent({ account_id: ACCOUNT, user: user('DU-c', []), access_device: device('::ffff:10.1.9.9') }),
    sampleEvent({ account_id: ACCOUNT, user: user('DU-d', ['eng']), access_device: device('2001:db8:1::5') }),
    sampleEvent({ account_id: ACCOUNT, user: user('DU-e', ['ops']), access_device: device(null) }),
    sampleEvent({ account_id: ACCOUNT, user: user('DU-f', ['ops', 'admins']), access_device: device('192.0.2.200') }),
  ].map((input) => parseAuthEvent(input));
  await elasticsearch.bulk({
    refresh: true,
    operations: events.flatMap((event) => [{ index: { _index: index, _id: event.txid, routing: ACCOUNT } }, toEventDocument(event, new Date())]),
  });
});

afterAll(async () => {
  await elasticsearch?.indices.delete({ index }, { ignore: [404] });
  await elasticsearch?.close();
});

describe('endpoint filters: Elasticsearch (ledger) and in process (dispatcher) agree', () => {
  const cases = [
    { users: ['DU-a', 'DU-d'] },
    { groups: ['admins'] },
    { groups: ['eng', 'ops'] },
    { ip: ['10.1.0.0/16'] },
    { ip: ['10.0.0.0/8', '2001:db8::/32'] },
    { ip: ['::ffff:10.1.2.3', '0.0.0.0/0'] },
    { ip: ['::/0'] },
    { ip: ['192.0.2.200'] },
    { ip: ['10.1.2.3/8'] },
    { users: ['DU-a', 'DU-b', 'DU-f'], groups: ['admins'], ip: ['10.0.0.0/8'] },
  ];
  for (const raw of cases) {
    it(JSON.stringify(raw), async () => {
      const filters = endpointFiltersSchema.parse(raw);
      const inProcess = events.filter((event) => matchesFilters(filters, filterableEvent(event))).map((event) => event.txid).sort();
      const found = await elasticsearch.search<{ txid: string }>({ index, size: 100, routing: ACCOUNT, query: { bool: { filter: filterQueries(filters) } }, _source: ['txid'] });
      const inElasticsearch = found.hits.hits.map((hit) => hit._source?.txid ?? '').sort();
      expect(inProcess).toEqual(inElasticsearch);
      expect(inProcess.length).toBeGreaterThan(0);
    });
  }
});
