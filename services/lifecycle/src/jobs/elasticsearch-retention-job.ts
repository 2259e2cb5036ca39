import type { Client } from '@elastic/elasticsearch';
import { monthlyIndexFor, type EventIndexNames } from '../../../../shared/elasticsearch/event-index.js';
import type { Logger } from '../../../../shared/log/logger.js';
import type { JobReport, LifecycleJob } from '../lifecycle-job.js';

const DAY_MS = 86_400_000;

/**
 * Deletes the monthly event indices (<prefix>-events-YYYY.MM) whose whole month lies past the
 * retention: a month goes only once its last day is older than RETENTION_AUTHLOG_DAYS, so no
 * event younger than the retention is ever deleted. Never the index of the current month (the one
 * being written), nor one the alias marks as its write index. Deleting an index takes it out of
 * the read alias; every remaining monthly index is then checked to be in the alias and added back
 * if not, so reports read exactly the months that are kept. (The integ-test Elasticsearch has no
 * ILM; on a cluster with it, an ILM delete phase on the template does the same.)
 */
export class ElasticsearchRetentionJob implements LifecycleJob {
  readonly name = 'elasticsearch-indices';

  constructor(
    private readonly es: Client,
    private readonly names: EventIndexNames,
    private readonly retentionDays: number,
    private readonly logger: Logger,
  ) {}

  async run(now: Date): Promise<JobReport> {
    const cutoff = new Date(now.getTime() - this.retentionDays * DAY_MS);
    const current = monthlyIndexFor(this.names, now.toISOString());
    const indices = await this.es.indices.get({ index: this.names.pattern, allow_no_indices: true, ignore_unavailable: true, expand_wildcards: 'open' });
    const writeIndices = new Set(Object.entries(indices).filter(([, index]) => index.aliases?.[this.names.alias]?.is_write_index === true).map(([name]) => name));
    const monthly = Object.keys(indices)
      .map((name) => ({ name, monthEnd: this.#monthEnd(name) }))
      .filter((entry): entry is { name: string; monthEnd: Date } => entry.monthEnd !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
    const expired = monthly.filter((entry) => entry.monthEnd.getTime() <= cutoff.getTime() && entry.name < current && !writeIndices.has(entry.name)).map((entry) => entry.name);
    for (const index of expired) {
      await this.es.indices.delete({ index });
      this.logger.info({ index, cutoff: cutoff.toISOString() }, 'monthly index past retention deleted');
    }
    const kept = monthly.map((entry) => entry.name).filter((name) => !expired.includes(name));
    const repaired = await this.#repairAlias(kept);
    return { status: 'ok', removed: expired.length, details: { cutoff: cutoff.toISOString(), deleted: expired, kept, aliasRepaired: repaired } };
  }

  /** The first instant after the index's month (UTC), or undefined for a name that is not a monthly index. */
  #monthEnd(name: string): Date | undefined {
    const prefix = `${this.names.prefix}-events-`;
    if (!name.startsWith(prefix)) return undefined;
    const match = /^(\d{4})\.(\d{2})$/.exec(name.slice(prefix.length));
    if (match === null) return undefined;
    const month = Number(match[2]);
    if (month < 1 || month > 12) return undefined;
    return new Date(Date.UTC(Number(match[1]), month, 1));
  }

  async #repairAlias(kept: readonly string[]): Promise<string[]> {
    if (kept.length === 0) return [];
    const aliased = await this.es.indices.getAlias({ name: this.names.alias, index: kept.join(','), ignore_unavailable: true, allow_no_indices: true }).catch(() => ({}));
    const missing = kept.filter((index) => !(index in aliased));
    if (missing.length > 0) {
      await this.es.indices.updateAliases({ actions: missing.map((index) => ({ add: { index, alias: this.names.alias } })) });
      this.logger.warn({ indices: missing, alias: this.names.alias }, 'monthly indices were missing from the read alias; added back');
    }
    return missing;
  }
}
