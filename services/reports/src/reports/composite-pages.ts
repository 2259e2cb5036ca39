import type { estypes } from '@elastic/elasticsearch';
import type { EventScope } from '../search/event-scope.js';
import type { EventSearch } from '../search/event-search.js';
import { compositeOf, type Bucket } from './aggregation-reading.js';

/**
 * Every bucket of a composite aggregation over the scope, page by page: the exact path for distinct
 * counts. Memory stays at one page; the caller folds the buckets as they come. Buckets arrive sorted
 * by the sources in order, which lets callers count distinct values of the first source by watching
 * it change.
 */
export async function* compositeBuckets(
  search: EventSearch,
  scope: EventScope,
  sources: Record<string, estypes.AggregationsCompositeAggregationSource>[],
  options: { pageSize: number; signal?: AbortSignal | undefined },
): AsyncGenerator<Bucket> {
  let after: Record<string, unknown> | undefined;
  for (;;) {
    const composite: estypes.AggregationsCompositeAggregation = { size: options.pageSize, sources };
    if (after !== undefined) composite.after = after as estypes.AggregationsCompositeAggregateKey;
    const response = await search.search(scope, { aggs: { pairs: { composite } } }, options.signal);
    const page = compositeOf(response.aggregations, 'pairs');
    yield* page.buckets;
    if (page.buckets.length < options.pageSize || page.afterKey === undefined) return;
    after = page.afterKey;
  }
}
