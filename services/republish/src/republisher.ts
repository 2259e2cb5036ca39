import type { Message } from 'kafkajs';
import type { Logger } from '../../../shared/log/logger.js';
import { backoffDelay, type BackoffPolicy } from '../../../shared/util/backoff.js';
import { sleep } from '../../../shared/util/sleep.js';
import type { EventPublisher } from '../../relay/src/event-publisher.js';
import type { RepublishFilter } from './republish-filter.js';
import type { RepublishJobs } from './republish-jobs.js';
import type { RepublishReader } from './republish-reader.js';

/** The progress bar's side of a run: told the range once, then every acknowledged batch. */
export interface RepublishProgress {
  update(done: number, rows: number): void;
  note(text: string | null): void;
  finish(): void;
}

export interface RepublishOptions {
  readonly jobName: string;
  readonly filter: RepublishFilter;
  readonly restart: boolean;
  readonly reader: RepublishReader;
  readonly jobs: RepublishJobs;
  readonly publisher: EventPublisher;
  /** Events per second at most; 0 unthrottled. */
  readonly rate: number;
  readonly backoff: BackoffPolicy;
  /** Told the id range once, then progress after every acknowledged batch. */
  readonly progress: (total: number) => RepublishProgress;
  readonly logger: Logger;
  /** Aborted: stop after the batch in flight (its checkpoint is saved). */
  readonly stop: AbortSignal;
}

export interface RepublishSummary {
  readonly job: string;
  readonly topic: string;
  readonly status: 'completed' | 'stopped';
  readonly resumed: boolean;
  /** Rows sent by this run (a resumed batch may repeat: same ce_id). */
  readonly sentThisRun: number;
  /** Rows of the job acknowledged by Kafka, all runs, each row once. */
  readonly rowsPublished: number;
  /** MySQL's count for the filter within the job's id bounds (only when completed). */
  readonly mysqlRows: number | null;
  readonly totalsMatch: boolean | null;
  readonly lastId: number;
  readonly maxId: number;
  /** This run, from opening the job to the last acknowledged batch. */
  readonly seconds: number;
}

/**
 * Reads the job's rows in id order, sends each page (acks=all, in order: the relay's publisher),
 * saves the checkpoint after Kafka acknowledged it, and paces itself to `rate` events/s. A Kafka
 * failure retries the same page with back-off until it goes through or the run is stopped.
 */
export async function runRepublish(options: RepublishOptions): Promise<RepublishSummary> {
  const { jobName, filter, reader, jobs, publisher, logger, stop } = options;
  const startedAt = performance.now();
  const job = await jobs.open(jobName, filter, { restart: options.restart });
  logger.info({ job: jobName, resumed: job.resumed, lastId: job.lastId, maxId: job.maxId, topic: filter.topic }, 'republish starting');
  const progress = options.progress(job.maxId - job.firstId);
  let cursor = job.lastId;
  let sent = 0;
  try {
    while (cursor < job.maxId && !stop.aborted) {
      const page = await reader.next(cursor, job.maxId);
      if (page.messages.length > 0) {
        await pace(options.rate, sent + page.messages.length, startedAt, stop);
        await publishWithRetry(publisher, page.messages, options, progress);
      }
      await jobs.save(jobName, page.cursor, page.messages.length);
      sent += page.messages.length;
      cursor = page.cursor;
      progress.update(cursor - job.firstId, sent);
    }
  } finally {
    progress.finish();
  }
  const seconds = Math.round(performance.now() - startedAt) / 1000;
  if (cursor < job.maxId) {
    return { seconds, job: jobName, topic: filter.topic, status: 'stopped', resumed: job.resumed, sentThisRun: sent, rowsPublished: job.rowsPublished + sent, mysqlRows: null, totalsMatch: null, lastId: cursor, maxId: job.maxId };
  }
  const done = await jobs.complete(jobName);
  const mysqlRows = await reader.count(done.firstId, done.maxId);
  return { seconds, job: jobName, topic: filter.topic, status: 'completed', resumed: job.resumed, sentThisRun: sent, rowsPublished: done.rowsPublished, mysqlRows, totalsMatch: mysqlRows === done.rowsPublished, lastId: done.lastId, maxId: done.maxId };
}

/** Waits until sending `total` events since `startedAt` keeps within `rate` per second. */
async function pace(rate: number, total: number, startedAt: number, stop: AbortSignal): Promise<void> {
  if (rate <= 0) return;
  const due = startedAt + (total / rate) * 1000;
  await sleep(due - performance.now(), stop);
}

async function publishWithRetry(publisher: EventPublisher, messages: readonly Message[], options: RepublishOptions, progress: { note(text: string | null): void }): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await publisher.publish(messages);
      if (attempt > 0) progress.note(null);
      return;
    } catch (error) {
      // Stopping mid-retry: the page is not acknowledged, so the checkpoint stays before it.
      if (options.stop.aborted) throw error;
      const delayMs = backoffDelay(attempt, options.backoff);
      options.logger.warn({ err: error, attempt, delayMs }, 'Kafka refused the batch; sending it again');
      progress.note(`Kafka failing, retrying (${attempt + 1})`);
      await sleep(delayMs, options.stop);
    }
  }
}
