import type { Kysely, RawBuilder } from 'kysely';
import { sleep } from '../../../../shared/util/sleep.js';

export interface ChunkedDelete {
  /** One bounded DELETE (`... ORDER BY <age index> LIMIT chunk`); run again until it removes fewer. */
  readonly statement: () => RawBuilder<unknown>;
  readonly chunk: number;
  /** Pause between chunks, so the writers of the table never wait long behind the pruning. */
  readonly pauseMs: number;
  readonly onChunk?: (rows: number) => void;
}

/**
 * Runs a pruning DELETE in short chunks until a chunk removes fewer rows than its limit or the job
 * is stopped: one long DELETE would hold its locks and its undo log for the whole run. Every
 * pruning job of the lifecycle service goes through here. Returns the rows removed.
 */
export async function deleteInChunks<Database>(db: Kysely<Database>, job: ChunkedDelete, signal: AbortSignal): Promise<number> {
  let total = 0;
  while (!signal.aborted) {
    const result = await job.statement().execute(db);
    const rows = Number(result.numAffectedRows ?? 0n);
    total += rows;
    if (rows > 0) job.onChunk?.(rows);
    if (rows < job.chunk) break;
    await sleep(job.pauseMs, signal);
  }
  return total;
}
