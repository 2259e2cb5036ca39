import { sql, type Kysely } from 'kysely';
import type { Logger } from '../../log/logger.js';
import { sleep } from '../../util/sleep.js';
import { AuthlogPartitionsError } from './authlog-partitions-error.js';
import { MAX_PARTITION, partitionDefinitions, planPartitions, type ExistingPartition } from './monthly-partitions.js';

const ER_LOCK_WAIT_TIMEOUT = 1205;

export interface MaintainPartitionsOptions {
  readonly now: Date;
  readonly retentionDays: number;
  /** Months kept ready after the current one (default 3). */
  readonly aheadMonths?: number;
  /**
   * Seconds one DDL statement may wait for the table's metadata lock (default 2). While an ALTER
   * waits, new writers queue behind it, so it gives up quickly (and tries again after a pause, up
   * to `attempts` times) rather than hold logins up behind a long reader.
   */
  readonly lockWaitSeconds?: number;
  readonly attempts?: number;
  /**
   * Most rows pmax may hold (InnoDB's estimate) for the job to split months off it (default
   * 10,000): the REORGANIZE copies them while writers wait, so beyond that the run fails, naming
   * the count, for an operator to split it off-peak (healthz degraded meanwhile).
   */
  readonly maxRowsToMove?: number;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

export interface DroppedPartition {
  readonly name: string;
  /** Every row of it was older than this bound. */
  readonly lessThan: string;
  /** InnoDB's estimate of its rows (information_schema.PARTITIONS.TABLE_ROWS). */
  readonly rowsEstimate: number;
}

export interface PartitionMaintenanceResult {
  readonly created: readonly string[];
  readonly dropped: readonly string[];
  readonly droppedPartitions: readonly DroppedPartition[];
  readonly cutoff: string;
}

interface PartitionRow {
  readonly name: string;
  readonly description: string | null;
  readonly rows: number | string | null;
}

/**
 * Keeps the Authlog's monthly partitions (docs/authlog-storage.md): splits the next months off
 * pmax so that `aheadMonths` after the current one exist (pmax is empty in normal operation, so
 * the REORGANIZE moves no rows), and drops each partition whose every row is older than
 * `now - retentionDays` (an instant DROP PARTITION, no row-by-row delete, no purge lag). Never the
 * current month's partition, never pmax. Each DDL runs on one connection with a short
 * lock_wait_timeout, so writers wait at most that long behind it; one partition per statement.
 * The outbox is not touched (its rows are published within seconds, long before any retention).
 */
export async function maintainAuthlogPartitions<DB>(db: Kysely<DB>, options: MaintainPartitionsOptions): Promise<PartitionMaintenanceResult> {
  const aheadMonths = options.aheadMonths ?? 3;
  const lockWaitSeconds = options.lockWaitSeconds ?? 2;
  const attempts = options.attempts ?? 3;
  return db.connection().execute(async (connection) => {
    await sql`SET SESSION lock_wait_timeout = ${lockWaitSeconds}`.execute(connection);
    const existing = await readPartitions(connection);
    const plan = planPartitions(existing, options.now, options.retentionDays, aheadMonths);
    const ddl = async (statement: ReturnType<typeof sql>, what: string) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await statement.execute(connection);
          return;
        } catch (error) {
          const errno = (error as { errno?: unknown }).errno;
          if (errno !== ER_LOCK_WAIT_TIMEOUT) throw new AuthlogPartitionsError('AUTHLOG_PARTITION_DDL_FAILED', `${what} failed: ${String(error)}`, false, { cause: error });
          if (attempt >= attempts || options.signal?.aborted === true) {
            throw new AuthlogPartitionsError('AUTHLOG_PARTITION_DDL_FAILED', `${what}: no metadata lock within ${lockWaitSeconds} s in ${attempt} attempts (a long transaction on authlog?)`, true, { cause: error });
          }
          options.logger?.warn({ what, attempt, lockWaitSeconds }, 'authlog partition DDL waited too long for its lock; trying again');
          await sleep(lockWaitSeconds * 1000, options.signal);
        }
      }
    };

    const created: string[] = [];
    const pmaxRows = existing.find((partition) => partition.name === MAX_PARTITION)?.rowsEstimate ?? 0;
    if (plan.create.length > 0 && pmaxRows > (options.maxRowsToMove ?? 10_000)) {
      throw new AuthlogPartitionsError(
        'AUTHLOG_PARTITION_DDL_FAILED',
        `${MAX_PARTITION} holds about ${pmaxRows} rows: splitting ${plan.create.map((month) => month.name).join(', ')} off it would copy them while writers wait; do it off-peak`,
        false,
      );
    }
    if (plan.create.length > 0 && options.signal?.aborted !== true) {
      await ddl(sql`ALTER TABLE authlog REORGANIZE PARTITION ${sql.raw(MAX_PARTITION)} INTO (${sql.raw(partitionDefinitions(plan.create))})`, `creating ${plan.create.map((month) => month.name).join(', ')}`);
      created.push(...plan.create.map((month) => month.name));
      options.logger?.info({ created }, 'authlog partitions created ahead');
    }

    const droppedPartitions: DroppedPartition[] = [];
    for (const partition of plan.drop) {
      if (options.signal?.aborted === true) break;
      const rowsEstimate = Number(existing.find((entry) => entry.name === partition.name)?.rowsEstimate ?? 0);
      await ddl(sql`ALTER TABLE authlog DROP PARTITION ${sql.raw(partition.name)}`, `dropping ${partition.name}`);
      const dropped = { name: partition.name, lessThan: partition.lessThan!.toISOString(), rowsEstimate };
      droppedPartitions.push(dropped);
      options.logger?.info({ ...dropped, cutoff: plan.cutoff.toISOString() }, 'authlog partition past retention dropped');
    }
    return { created, dropped: droppedPartitions.map((partition) => partition.name), droppedPartitions, cutoff: plan.cutoff.toISOString() };
  });
}

/** The table's partitions with their bounds; refuses a table that is not partitioned by month. */
async function readPartitions<DB>(connection: Kysely<DB>): Promise<Array<ExistingPartition & { rowsEstimate: number }>> {
  const { rows } = await sql<PartitionRow>`
    SELECT PARTITION_NAME AS name, PARTITION_DESCRIPTION AS description, TABLE_ROWS AS \`rows\`
    FROM information_schema.PARTITIONS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'authlog' AND PARTITION_NAME IS NOT NULL
    ORDER BY PARTITION_ORDINAL_POSITION
  `.execute(connection);
  if (rows.length === 0 || rows.at(-1)!.name !== MAX_PARTITION) {
    throw new AuthlogPartitionsError('AUTHLOG_NOT_PARTITIONED', `authlog is not partitioned by month with a last partition ${MAX_PARTITION} (migration 2026-12-08-91)`, false);
  }
  return rows.map((row) => ({ name: row.name, lessThan: parseBound(row.description), rowsEstimate: Number(row.rows ?? 0) }));
}

/** `'2027-01-01 00:00:00'` (MySQL and MariaDB quote it), in UTC as the pool writes occurred_at; MAXVALUE: none. */
function parseBound(description: string | null): Date | undefined {
  if (description === null || description === 'MAXVALUE') return undefined;
  const text = description.replace(/^'|'$/g, '');
  const bound = new Date(`${text.replace(' ', 'T')}Z`);
  if (Number.isNaN(bound.getTime())) throw new AuthlogPartitionsError('AUTHLOG_NOT_PARTITIONED', `authlog partition bound ${description} is not a date`, false);
  return bound;
}
