import { describe, expect, it } from 'vitest';
import { monthPartition, monthsBetween, partitionDefinitions, planPartitions, type ExistingPartition } from './monthly-partitions.js';

const at = (text: string) => new Date(text);
const existing = (names: string[]): ExistingPartition[] => [
  ...names.map((name) => {
    const [year, month] = name.slice(1).split('_').map(Number);
    return { name, lessThan: new Date(Date.UTC(year!, month!, 1)) };
  }),
  { name: 'pmax', lessThan: undefined },
];

describe('monthly partitions', () => {
  it('names a UTC month and bounds it by the next month, across a year end', () => {
    expect(monthPartition(at('2026-12-31T23:59:59.999Z'))).toEqual({ name: 'p2026_12', lessThan: at('2027-01-01T00:00:00Z') });
    expect(monthsBetween(at('2026-11-15T00:00:00Z'), at('2027-02-01T00:00:00Z')).map((month) => month.name)).toEqual(['p2026_11', 'p2026_12', 'p2027_01', 'p2027_02']);
    expect(partitionDefinitions([monthPartition(at('2026-12-05T00:00:00Z'))])).toBe("PARTITION p2026_12 VALUES LESS THAN ('2027-01-01 00:00:00'), PARTITION pmax VALUES LESS THAN (MAXVALUE)");
  });

  it('drops only partitions wholly older than the cutoff and creates the months ahead that pmax still holds', () => {
    const plan = planPartitions(existing(['p2026_08', 'p2026_09', 'p2026_10', 'p2026_11', 'p2026_12']), at('2027-01-20T12:00:00Z'), 140, 3);
    // cutoff 2026-09-02T12:00Z: August ended before it; September still holds younger rows.
    expect(plan.cutoff.toISOString()).toBe('2026-09-02T12:00:00.000Z');
    expect(plan.drop.map((partition) => partition.name)).toEqual(['p2026_08']);
    expect(plan.create.map((month) => month.name)).toEqual(['p2027_01', 'p2027_02', 'p2027_03', 'p2027_04']);
  });

  it('never drops the current month, pmax, or the last bounded partition, even with a retention of one day', () => {
    const plan = planPartitions(existing(['p2026_11', 'p2026_12', 'p2027_01']), at('2026-12-02T00:00:01Z'), 1, 1);
    expect(plan.drop.map((partition) => partition.name)).toEqual(['p2026_11']);
    expect(planPartitions(existing(['p2026_11']), at('2027-06-01T00:00:00Z'), 1, 0).drop).toEqual([]);
    expect(planPartitions(existing(['p2026_11', 'p2026_12', 'p2027_01', 'p2027_02']), at('2026-12-15T00:00:00Z'), 30, 2).create).toEqual([]);
  });
});
