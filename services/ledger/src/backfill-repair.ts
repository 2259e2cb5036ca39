import type { Client } from '@elastic/elasticsearch';
import type { Kysely } from 'kysely';
import type { EventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import type { Logger } from '../../../shared/log/logger.js';
import { AuthlogPageReader } from '../../indexer/src/backfill/authlog-page-reader.js';
import type { BackfillFilter } from '../../indexer/src/backfill/backfill-filter.js';
import type { BackfillDatabase } from '../../indexer/src/backfill/backfill-tables.js';
import { runBackfill } from '../../indexer/src/backfill/backfill.js';
import { CheckpointStore } from '../../indexer/src/backfill/checkpoint-store.js';
import { ProgressReporter } from '../../indexer/src/backfill/progress-reporter.js';
import { BulkIndexer } from '../../indexer/src/bulk-indexer.js';
import { createElasticsearchBulkSender } from '../../indexer/src/elasticsearch-bulk-sender.js';
import type { DocumentRepair } from './repairs.js';

const SILENT = { isTTY: false, write: () => true };

export interface BackfillRepairOptions {
  readonly db: Kysely<BackfillDatabase>;
  readonly elasticsearch: Client;
  readonly names: EventIndexNames;
  readonly logger: Logger;
  readonly bulkTimeoutMs: number;
  readonly maxDocumentBytes: number;
  /** Graceful stop of the service: a repair in progress ends at its next checkpoint. */
  readonly stop: AbortSignal;
}

/**
 * Re-indexes one account's hour through the backfill (services/indexer/src/backfill): the same
 * decoding, documents (_id = txid, so what is there is overwritten, never doubled), bulk retries,
 * checkpoints and rejected-row records as `npm run backfill`, under a job name of its own per
 * account and hour (restarted each time: a repair covers the whole hour again).
 */
export class BackfillRepair implements DocumentRepair {
  constructor(private readonly options: BackfillRepairOptions) {}

  async reindex(accountId: string, from: Date, to: Date): Promise<number> {
    const { db, elasticsearch, names, logger } = this.options;
    const filter: BackfillFilter = { from, to, accountId, indexPrefix: names.prefix };
    const jobName = `ledger:${names.prefix}:${accountId}:${from.toISOString()}`.slice(0, 128);
    const summary = await runBackfill({
      jobName,
      filter,
      restart: true,
      names,
      reader: new AuthlogPageReader(db, filter, { pageSize: 1_000, scanWindow: 100_000 }),
      checkpoints: new CheckpointStore(db),
      bulk: new BulkIndexer(
        createElasticsearchBulkSender(elasticsearch, { timeoutMs: this.options.bulkTimeoutMs }),
        { initialMs: 200, maxMs: 10_000, factor: 2 },
        {
          request: () => {},
          requestRetry: (error, attempt, delayMs) => logger.debug({ err: error, attempt, delayMs }, 'ledger repair: bulk request failed; retrying'),
          documentRetry: (count, example) => logger.warn({ count, ...example }, 'ledger repair: documents answered 429/5xx; sending them again'),
          indexUnavailable: (error, attempt, delayMs) => logger.warn({ err: error, attempt, delayMs }, 'ledger repair: the index refuses writes; retrying the same documents'),
        },
      ),
      maxInFlight: 1,
      maxRowsPerSecond: 0,
      maxDocumentBytes: this.options.maxDocumentBytes,
      giveUpAfterMs: 120_000,
      progress: (total) => new ProgressReporter(SILENT, total),
      logger,
      stop: this.options.stop,
      abort: this.options.stop,
    });
    logger.info({ accountId, from, to, job: jobName, rowsIndexed: summary.rowsThisRun, rejected: summary.rowsRejected }, 'ledger repair: hour re-indexed');
    return summary.rowsThisRun;
  }
}
