import type { Client } from '@elastic/elasticsearch';
import { addedEventFields, eventMappings } from './event-mappings.js';
import type { EventIndexNames } from './event-index.js';

export interface EventTemplateOptions {
  readonly shards?: number;
  readonly replicas?: number;
  /** "1s" is Elasticsearch's default; a longer interval trades freshness for indexing throughput. */
  readonly refreshInterval?: string;
}

/**
 * Installs (or updates) the composable index template for the monthly event indices. Every index
 * created from it, including one auto-created by the first bulk write of a new month, gets the
 * mappings and joins the read alias. Updating the template affects only indices created later, so
 * fields added since (addedEventFields) are also put on the open indices that exist: with `dynamic:
 * strict` an index without them would refuse every new document. Adding a field is allowed on a
 * live index and the call is idempotent.
 */
export async function ensureEventTemplate(client: Client, names: EventIndexNames, options: EventTemplateOptions = {}): Promise<void> {
  await client.indices.putIndexTemplate({
    name: names.templateName,
    index_patterns: [names.pattern],
    priority: 100,
    template: {
      settings: {
        number_of_shards: options.shards ?? 1,
        number_of_replicas: options.replicas ?? 0,
        refresh_interval: options.refreshInterval ?? '1s',
      },
      mappings: eventMappings,
      aliases: { [names.alias]: {} },
    },
  });
  await client.indices.putMapping({ index: names.pattern, allow_no_indices: true, ignore_unavailable: true, properties: addedEventFields });
}
