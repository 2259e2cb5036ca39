import type { EventIndexNames } from '../../../../shared/elasticsearch/event-index.js';
import type { Logger } from '../../../../shared/log/logger.js';
import { sleep } from '../../../../shared/util/sleep.js';
import type { BulkItem } from '../bulk-item.js';
import type { BulkIndexer } from '../bulk-indexer.js';
import { RetryAbortedError } from '../../../../shared/errors/retry-aborted-error.js';
import { OrderedPipeline } from '../ordered-pipeline.js';
import type { AuthlogPageReader } from './authlog-page-reader.js';
import { decodeAuthlogRow, type RowOrigin } from './authlog-row-decoder.js';
import type { BackfillFilter } from './backfill-filter.js';
import type { CheckpointStore, RejectedRow } from './checkpoint-store.js';
import type { ProgressReporter } from './progress-reporter.js';

export interface BackfillOptions {
  readonly jobName: string;
  readonly filter: BackfillFilter;
  readonly restart: boolean;
  readonly names: EventIndexNames;
  readonly reader: AuthlogPageReader;
  readonly checkpoints: CheckpointStore;
  readonly bulk: BulkIndexer;
  readonly maxInFlight: number;
  /** 0: as fast as MySQL and Elasticsearch go. */
  readonly maxRowsPerSecond: number;
  readonly maxDocumentBytes: number;
  /** Elasticsearch failing without a break for this long ends the run (checkpoint kept). */
  readonly giveUpAfterMs: number;
  /** Creates the progress bar once the job's id range is known. */
  readonly progress: (total: number) => ProgressReporter;
  readonly logger: Logger;
  /** Graceful stop (Ctrl-C): read nothing more, finish and checkpoint the bulks in flight. */
  readonly stop: AbortSignal;
  /** Hard stop (second Ctrl-C): abandon retries; what is not checkpointed is redone next time. */
  readonly abort: AbortSignal;
}

export interface BackfillSummary {
  readonly job: string;
  /** completed: every row up to maxId is handled; stopped: interrupted, run the same command to resume. */
  readonly status: 'completed' | 'stopped';
  readonly resumedFromId: number | null;
  readonly lastId: number;
  readonly maxId: number;
  readonly rowsIndexed: number;
  readonly rowsRejected: number;
  readonly rowsThisRun: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/**
 * Indexes Authlog rows into Elasticsearch page by page (keyset pagination in id order). Up to
 * maxInFlight bulks run at once while the next page is read; checkpoints are saved strictly in
 * page order, each after its bulk succeeded, so the stored cursor never passes a row that is not
 * indexed (or recorded as rejected).
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillSummary> {
  const { checkpoints, jobName, logger } = options;
  const started = performance.now();
  const checkpoint = await checkpoints.open(jobName, options.filter, { restart: options.restart });
  const summarise = (status: 'completed' | 'stopped', state: { lastId: number; rowsIndexed: number; rowsRejected: number }, rowsThisRun: number): BackfillSummary => {
    const seconds = (performance.now() - started) / 1000;
    return {
      job: jobName,
      status,
      resumedFromId: checkpoint.resumed ? checkpoint.lastId : null,
      lastId: state.lastId,
      maxId: checkpoint.maxId,
      rowsIndexed: state.rowsIndexed,
      rowsRejected: state.rowsRejected,
      rowsThisRun,
      seconds: Math.round(seconds * 1000) / 1000,
      rowsPerSecond: seconds > 0 ? Math.round(rowsThisRun / seconds) : 0,
    };
  };
  if (checkpoint.status === 'completed') {
    logger.info({ job: jobName }, 'backfill job already completed; use --restart to run it again');
    return summarise('completed', checkpoint, 0);
  }
  if (checkpoint.resumed) logger.info({ job: jobName, lastId: checkpoint.lastId, maxId: checkpoint.maxId }, 'resuming backfill from its checkpoint');

  const progress = options.progress(checkpoint.maxId - checkpoint.firstId);
  const giveUp = new AbortController();
  const signal = AbortSignal.any([options.abort, giveUp.signal]);
  let giveUpTimer: NodeJS.Timeout | undefined;
  let failure: unknown;
  // Bulks in flight while the next page is read; checkpoints saved in page order.
  const bulks = new OrderedPipeline(options.maxInFlight, (error) => {
    failure ??= error;
  });
  let cursor = checkpoint.lastId;
  let rowsRead = 0;
  let rowsDone = 0;

  while (!options.stop.aborted && failure === undefined && cursor < checkpoint.maxId) {
    if (options.maxRowsPerSecond > 0) await sleep(started + (rowsRead / options.maxRowsPerSecond) * 1000 - performance.now(), options.stop);
    if (options.stop.aborted) break;
    const page = await options.reader.next(cursor, checkpoint.maxId);
    cursor = page.cursor;
    rowsRead += page.rows.length;
    const items: BulkItem<RowOrigin>[] = [];
    const rejections: RejectedRow[] = [];
    for (const row of page.rows) {
      const decoded = decodeAuthlogRow(row, options.names, options.maxDocumentBytes);
      if ('item' in decoded) items.push(decoded.item);
      else rejections.push(decoded.rejection);
    }
    const pageCursor = cursor;
    // Back-pressure: read the next page only while a bulk slot is free.
    await bulks.submit(
      () =>
        options.bulk.index(items, {
          signal,
          onFailing: (error) => {
            progress.note('Elasticsearch failing, retrying the same bulk');
            logger.warn({ err: error }, 'bulk failed; retrying');
            giveUpTimer ??= setTimeout(() => giveUp.abort(), options.giveUpAfterMs);
          },
          onRecovered: () => {
            progress.note(null);
            clearTimeout(giveUpTimer);
            giveUpTimer = undefined;
          },
        }),
      async (result) => {
        const rejected = [...rejections, ...result.rejected.map((entry) => ({ authlogId: entry.item.origin.authlogId, txid: entry.item.origin.txid, reason: entry.reason, error: entry.error }))];
        await checkpoints.save(jobName, { lastId: pageCursor, indexed: result.indexed, rejections: rejected });
        rowsDone += result.indexed + rejected.length;
        progress.update(pageCursor - checkpoint.firstId, rowsDone);
      },
    );
  }
  try {
    await bulks.drain();
  } catch (error) {
    failure ??= error;
  } finally {
    clearTimeout(giveUpTimer);
    progress.finish();
  }
  if (failure !== undefined) {
    throw giveUp.signal.aborted && failure instanceof RetryAbortedError ? new RetryAbortedError(`Elasticsearch failing for ${options.giveUpAfterMs} ms`, { cause: failure }) : failure;
  }
  const saved = await checkpoints.get(jobName);
  const state = saved.lastId >= saved.maxId ? await checkpoints.complete(jobName) : saved;
  return summarise(state.status === 'completed' ? 'completed' : 'stopped', state, rowsDone);
}
