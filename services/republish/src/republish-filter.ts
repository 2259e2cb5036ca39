import { createHash } from 'node:crypto';

/** Which Authlog rows a job republishes, and where to. */
export interface RepublishFilter {
  /** occurred_at in [from, to). */
  readonly from: Date;
  readonly to: Date;
  readonly accountId: string | null;
  readonly topic: string;
}

/** Stable text of a filter: a job resumes only with the filter it was started with. */
export function filterJson(filter: RepublishFilter): string {
  return JSON.stringify({ from: filter.from.toISOString(), to: filter.to.toISOString(), accountId: filter.accountId, topic: filter.topic });
}

/** The job name a command line implies, so running the same command again resumes it. */
export function defaultJobName(filter: RepublishFilter): string {
  return `republish-${createHash('sha256').update(filterJson(filter)).digest('hex').slice(0, 16)}`;
}
