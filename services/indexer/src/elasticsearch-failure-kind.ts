/**
 * Whose fault an Elasticsearch error is, which decides what the indexer does with the documents:
 * - `document`: this document (or request body) can never be indexed as it is: dead-letter it;
 * - `busy`: Elasticsearch cannot take it right now (429, 5xx, no connection): send it again;
 * - `cluster`: the target index cannot take any document until an operator acts (a closed index,
 *   a write block, the shard limit reached, a missing index with auto-creation off, credentials):
 *   send it again with back-off, report the indexer degraded, never dead-letter. Such a document
 *   would be fine once the index is opened, so dead-lettering it would lose good data.
 */
export type ElasticsearchFailureKind = 'document' | 'busy' | 'cluster';

/**
 * Error types that come with a 400 or 404 but blame the index or the cluster, not the document.
 * Elasticsearch answers a closed index with 400 `index_closed_exception`, and the shard limit with
 * 400 `validation_exception` ("this action would add [n] shards, but this cluster currently has
 * [m]/[1000] maximum normal shards open"): a status-only rule dead-letters both. In a bulk of
 * `index` operations a `validation_exception` only comes from creating the target index (shard
 * limit, index settings from the template): never from the document's content, whose faults are
 * `document_parsing_exception`, `mapper_parsing_exception`, `strict_dynamic_mapping_exception`,
 * `illegal_argument_exception` and the like.
 */
const CLUSTER_TYPES: ReadonlySet<string> = new Set([
  'index_closed_exception',
  'cluster_block_exception',
  'validation_exception',
  'index_not_found_exception',
]);

/** `httpStatus` null: no answer at all (connection refused or reset, timeout). */
export function elasticsearchFailureKind(httpStatus: number | null, type: string | undefined): ElasticsearchFailureKind {
  if (type !== undefined && CLUSTER_TYPES.has(type)) return 'cluster';
  if (httpStatus === null || httpStatus === 429 || httpStatus >= 500) return 'busy';
  // 400 blames the document (mapping, parsing), 413 its size.
  if (httpStatus === 400 || httpStatus === 413) return 'document';
  // 401, 403, 404 and the rest: the cluster's configuration, which an operator has to fix.
  return 'cluster';
}
