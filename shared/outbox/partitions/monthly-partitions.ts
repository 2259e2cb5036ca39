/**
 * The Authlog's monthly partitions, as pure values (docs/authlog-storage.md): partition `pYYYY_MM`
 * holds the UTC month YYYY-MM (`VALUES LESS THAN ('<first day of the next month>')`), and `pmax`
 * (`MAXVALUE`) catches anything later. The first partition also holds every row older than its
 * month (RANGE partitions have no lower bound), so a partition is "wholly past" a cutoff exactly
 * when its upper bound is at or before the cutoff.
 */
export const MAX_PARTITION = 'pmax';

/** One existing partition: its name and its upper bound (undefined for MAXVALUE). */
export interface ExistingPartition {
  readonly name: string;
  readonly lessThan: Date | undefined;
}

export interface PartitionPlan {
  /** Months to split off pmax, oldest first (REORGANIZE PARTITION pmax INTO ...). */
  readonly create: readonly MonthPartition[];
  /** Partitions whose every row is older than the cutoff, oldest first (DROP PARTITION). */
  readonly drop: readonly ExistingPartition[];
  readonly cutoff: Date;
}

export interface MonthPartition {
  readonly name: string;
  /** First instant of the next month (UTC): the partition's VALUES LESS THAN. */
  readonly lessThan: Date;
}

/** First instant of the UTC month `months` after the one holding `at`. */
export function monthStart(at: Date, months = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + months, 1));
}

export function monthPartition(at: Date): MonthPartition {
  const start = monthStart(at);
  const name = `p${start.getUTCFullYear()}_${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
  return { name, lessThan: monthStart(start, 1) };
}

/** Every month from the one holding `from` to the one holding `to`, both included. */
export function monthsBetween(from: Date, to: Date): MonthPartition[] {
  const months: MonthPartition[] = [];
  for (let start = monthStart(from); start.getTime() <= to.getTime(); start = monthStart(start, 1)) months.push(monthPartition(start));
  return months;
}

/** `'YYYY-MM-DD 00:00:00'`: a partition bound as RANGE COLUMNS(occurred_at) takes it. */
export function boundLiteral(lessThan: Date): string {
  return `'${lessThan.toISOString().slice(0, 10)} 00:00:00'`;
}

/** The `PARTITION ... VALUES LESS THAN (...)` list of `months` and pmax. */
export function partitionDefinitions(months: readonly MonthPartition[]): string {
  return [...months.map((month) => `PARTITION ${month.name} VALUES LESS THAN (${boundLiteral(month.lessThan)})`), `PARTITION ${MAX_PARTITION} VALUES LESS THAN (MAXVALUE)`].join(', ');
}

/**
 * What to do at `now`: create every month up to `aheadMonths` after the current one that pmax still
 * holds, and drop every partition wholly older than `now - retentionDays`. Never pmax, never the
 * partition holding `now` (the one being written), and never the last bounded partition (the table
 * always keeps one).
 */
export function planPartitions(existing: readonly ExistingPartition[], now: Date, retentionDays: number, aheadMonths: number): PartitionPlan {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const bounded = existing.filter((partition): partition is ExistingPartition & { lessThan: Date } => partition.lessThan !== undefined).sort((a, b) => a.lessThan.getTime() - b.lessThan.getTime());
  const highest = bounded.at(-1)?.lessThan ?? monthStart(now);
  const create = monthsBetween(highest, monthStart(now, aheadMonths)).filter((month) => month.lessThan.getTime() > highest.getTime());
  const drop = bounded.filter((partition, index) => partition.lessThan.getTime() <= cutoff.getTime() && partition.lessThan.getTime() <= now.getTime() && index < bounded.length - 1);
  return { create, drop, cutoff };
}
