/**
 * How many rows to read from each owned shard in one poll. A batch is read as one query with a
 * sub-select per shard (each an index range scan of that shard's oldest unpublished rows), so each
 * shard needs a LIMIT. A fixed fair share (batch / shards) starves batches when the backlog sits in
 * a few shards (big tenants), and a full batch size per shard makes every poll scan
 * shards x batch index entries. So the limits follow demand: a shard that filled its limit gets
 * twice as much next time, a shard that did not gets twice what it returned (at least `floor`, so a
 * quiet shard is still looked at on every poll), and the total is scaled back to the batch size.
 */
export class ShardQuota {
  readonly #demand = new Map<number, number>();

  constructor(
    readonly batchSize: number,
    readonly floor = 8,
  ) {}

  /** Limit per shard for the next read; sums to about the batch size (never less than `floor` each). */
  limitsFor(shards: readonly number[]): Map<number, number> {
    const limits = new Map<number, number>();
    if (shards.length === 0) return limits;
    const fair = Math.max(1, Math.ceil(this.batchSize / shards.length));
    const floor = Math.min(this.floor, fair);
    const demand = shards.map((shard) => this.#demand.get(shard) ?? fair);
    const total = demand.reduce((sum, value) => sum + value, 0);
    const scale = total > this.batchSize ? this.batchSize / total : 1;
    shards.forEach((shard, index) => limits.set(shard, Math.max(floor, Math.floor(demand[index]! * scale))));
    return limits;
  }

  /** Learns from what a read with `limits` returned per shard. */
  record(limits: ReadonlyMap<number, number>, returned: ReadonlyMap<number, number>): void {
    for (const [shard, limit] of limits) {
      const got = returned.get(shard) ?? 0;
      const next = got >= limit ? limit * 2 : Math.max(this.floor, got * 2);
      this.#demand.set(shard, Math.min(this.batchSize, next));
    }
  }
}
