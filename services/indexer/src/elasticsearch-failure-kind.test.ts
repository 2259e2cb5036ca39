import { describe, expect, it } from 'vitest';
import { elasticsearchFailureKind } from './elasticsearch-failure-kind.js';
import { BulkRequestError } from './errors/bulk-request-error.js';

/** Per-item answers of Elasticsearch 8.19 to a bulk `index`, as recorded from the local cluster. */
const recorded = [
  // POST _bulk into a closed index.
  { status: 400, type: 'index_closed_exception', kind: 'cluster' },
  // index.blocks.write = true.
  { status: 403, type: 'cluster_block_exception', kind: 'cluster' },
  // A monthly index the template would create with more shards than the cluster may open.
  { status: 400, type: 'validation_exception', kind: 'cluster' },
  // No such index and no auto-creation.
  { status: 404, type: 'index_not_found_exception', kind: 'cluster' },
  { status: 400, type: 'document_parsing_exception', kind: 'document' },
  { status: 400, type: 'strict_dynamic_mapping_exception', kind: 'document' },
  { status: 400, type: 'mapper_parsing_exception', kind: 'document' },
  { status: 413, type: 'content_too_long_exception', kind: 'document' },
  { status: 429, type: 'es_rejected_execution_exception', kind: 'busy' },
  { status: 429, type: 'circuit_breaking_exception', kind: 'busy' },
  { status: 503, type: 'unavailable_shards_exception', kind: 'busy' },
] as const;

describe('elasticsearchFailureKind', () => {
  it.each(recorded)('$status $type is the $kind\'s', ({ status, type, kind }) => {
    expect(elasticsearchFailureKind(status, type)).toBe(kind);
  });

  it('falls back on the status: no answer or 429/5xx busy, 400/413 the document, other 4xx the cluster', () => {
    expect(elasticsearchFailureKind(null, undefined)).toBe('busy');
    expect(elasticsearchFailureKind(502, undefined)).toBe('busy');
    expect(elasticsearchFailureKind(400, undefined)).toBe('document');
    expect(elasticsearchFailureKind(413, undefined)).toBe('document');
    expect(elasticsearchFailureKind(401, 'security_exception')).toBe('cluster');
    expect(elasticsearchFailureKind(404, undefined)).toBe('cluster');
  });

  it('decides whether a whole failed request is retried, by type before status', () => {
    expect(new BulkRequestError('x', 400, { errorType: 'index_closed_exception' })).toMatchObject({ kind: 'cluster', retryable: true });
    expect(new BulkRequestError('x', 400, { errorType: 'parsing_exception' })).toMatchObject({ kind: 'document', retryable: false });
    expect(new BulkRequestError('x', 413)).toMatchObject({ kind: 'document', retryable: false });
    expect(new BulkRequestError('x', null)).toMatchObject({ kind: 'busy', retryable: true });
  });
});
