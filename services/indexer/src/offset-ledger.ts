/**
 * Offsets that may be committed: for each partition this instance owns, the offset after the last
 * message that is indexed or dead-lettered (every earlier one is too, because bulks are acknowledged
 * in order). Partitions lost in a rebalance are forgotten: their new owner re-reads from the last
 * committed offset, and since documents are written by _id, reading them twice is harmless.
 */
export class OffsetLedger {
  #assigned = new Set<number>();
  readonly #pending = new Map<number, bigint>();

  /** The partitions of the latest assignment (kafkajs GROUP_JOIN). */
  assign(partitions: readonly number[]): void {
    this.#assigned = new Set(partitions);
    for (const partition of this.#pending.keys()) if (!this.#assigned.has(partition)) this.#pending.delete(partition);
  }

  get assigned(): readonly number[] {
    return [...this.#assigned].sort((a, b) => a - b);
  }

  /** Offsets of a bulk that is now fully acknowledged; partitions not owned are ignored. */
  acknowledge(nextOffsets: ReadonlyMap<number, bigint>): void {
    for (const [partition, offset] of nextOffsets) {
      if (!this.#assigned.has(partition)) continue;
      const current = this.#pending.get(partition);
      if (current === undefined || offset > current) this.#pending.set(partition, offset);
    }
  }

  /** What to commit now (it stays pending until markCommitted, so a failed commit is retried next time). */
  committable(): { partition: number; offset: string }[] {
    return [...this.#pending].map(([partition, offset]) => ({ partition, offset: offset.toString() }));
  }

  markCommitted(entries: readonly { partition: number; offset: string }[]): void {
    for (const entry of entries) {
      const current = this.#pending.get(entry.partition);
      if (current !== undefined && current <= BigInt(entry.offset)) this.#pending.delete(entry.partition);
    }
  }
}
