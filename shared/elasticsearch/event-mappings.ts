import type { estypes } from '@elastic/elasticsearch';

const keyword = { type: 'keyword' } as const;
const location = { properties: { city: keyword, state: keyword, country: keyword } } as const;

/**
 * Explicit mappings for event documents: keyword for enumerations and ids (exact filters, terms
 * aggregations), ip for addresses (CIDR queries), date for time. Text only where people search
 * words: user and application names get a `.text` sub-field. `dynamic: strict` turns an unknown
 * field into a per-document error (dead-lettered by the indexer) instead of a silent mapping change.
 *
 * Documents are routed by account_id (required): every per-account query reads one shard.
 */
export const eventMappings: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  _routing: { required: true },
  properties: {
    schema_version: { type: 'short' },
    account_id: keyword,
    txid: keyword,
    timestamp: { type: 'date' },
    event_type: keyword,
    result: keyword,
    reason: keyword,
    factor: keyword,
    user: {
      properties: {
        key: keyword,
        name: { type: 'keyword', fields: { text: { type: 'text' } } },
        groups: keyword,
      },
    },
    application: {
      properties: {
        key: keyword,
        name: { type: 'keyword', fields: { text: { type: 'text' } } },
      },
    },
    access_device: {
      properties: {
        ip: { type: 'ip' },
        hostname: keyword,
        location,
        os: keyword,
        os_version: keyword,
        browser: keyword,
        browser_version: keyword,
        is_encryption_enabled: { type: 'boolean' },
        is_firewall_enabled: { type: 'boolean' },
        is_password_set: { type: 'boolean' },
        security_agents: keyword,
      },
    },
    auth_device: { properties: { name: keyword, ip: { type: 'ip' }, location } },
    ood_software: keyword,
    /** When the indexer wrote the document: freshness (indexing lag) is now minus its maximum. */
    indexed_at: { type: 'date' },
    /**
     * Where the indexer read the event (issue 17, lineage): partition, offset and the record's
     * timestamp (CreateTime: the relay's clock when it sent the event to Kafka), as strings. Read by
     * the trace of one event only, so kept in _source and not indexed (`enabled: false`): no cost
     * in the index, nothing to search.
     */
    kafka: { type: 'object', enabled: false },
  },
};

/** Fields added after indices were created: put on existing indices too (ensureEventTemplate). */
export const addedEventFields = { kafka: { type: 'object', enabled: false } } as const satisfies Record<string, estypes.MappingProperty>;
