import { createHash } from 'node:crypto';

/** Which Authlog rows a backfill job covers: occurred_at in [from, to), and/or one account. */
export interface BackfillFilter {
  readonly from: Date | null;
  readonly to: Date | null;
  readonly accountId: string | null;
  /** The target indices: a job is bound to them, so the same name with another prefix is another job. */
  readonly indexPrefix: string;
}

/** Stable JSON of a filter, stored with the checkpoint: a resume must cover the same rows. */
export function filterJson(filter: BackfillFilter): string {
  return JSON.stringify({
    from: filter.from?.toISOString() ?? null,
    to: filter.to?.toISOString() ?? null,
    accountId: filter.accountId,
    indexPrefix: filter.indexPrefix,
  });
}

/** The default job name: readable from the filter, so running the same command again resumes it. */
export function defaultJobName(filter: BackfillFilter): string {
  const parts = [
    `backfill:${filter.indexPrefix}`,
    filter.accountId === null ? null : `account=${filter.accountId}`,
    filter.from === null ? null : `from=${filter.from.toISOString()}`,
    filter.to === null ? null : `to=${filter.to.toISOString()}`,
  ].filter((part): part is string => part !== null);
  const name = parts.join(':');
  return name.length <= 128 ? name : `backfill:${createHash('sha256').update(filterJson(filter)).digest('hex').slice(0, 32)}`;
}
