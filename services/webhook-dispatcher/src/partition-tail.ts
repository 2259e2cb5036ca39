/** One Kafka message taken in process: settled once every one of its deliveries is. */
export interface TailEntry {
  readonly offset: string;
  readonly takenAt: number;
  /** Deliveries of this message not yet settled (2xx, failed for good, or durably in BullMQ). */
  pending: number;
}

/**
 * The uncommitted tail of one partition: the messages read after the last committed offset. The
 * offset that may be committed is that of the oldest message with an unsettled delivery (or the one
 * after the last message taken, when all are settled), so a crash re-sends at most this tail.
 * Entries are kept in offset order (Kafka hands them out so); settling is O(1) and the settled
 * prefix is dropped as the committable offset moves.
 */
export class PartitionTail {
  #entries: TailEntry[] = [];
  /** Index of the first entry not yet committed. */
  #committed = 0;
  /** Index of the first unsettled entry (>= #committed). */
  #settled = 0;
  #lastTaken: string | undefined;

  /** Tracks a message with `deliveries` deliveries in flight (0: settled at once, e.g. no endpoint). */
  take(offset: string, deliveries: number, now = Date.now()): TailEntry {
    const entry: TailEntry = { offset, takenAt: now, pending: deliveries };
    this.#entries.push(entry);
    this.#lastTaken = offset;
    if (deliveries === 0) this.#advance();
    return entry;
  }

  settle(entry: TailEntry): void {
    entry.pending -= 1;
    if (entry.pending === 0) this.#advance();
  }

  /** The offset to commit (the next one to read after a restart), or undefined when nothing new is settled. */
  committable(): string | undefined {
    if (this.#settled === this.#committed) return undefined;
    const next = this.#entries[this.#settled];
    if (next !== undefined) return next.offset;
    return (BigInt(this.#lastTaken!) + 1n).toString();
  }

  /** Called once `offset` (from committable()) is committed: that much of the tail is gone. */
  committed(offset: string): void {
    const next = BigInt(offset);
    while (this.#committed < this.#settled && BigInt(this.#entries[this.#committed]!.offset) < next) this.#committed += 1;
    if (this.#committed > 1_024 && this.#committed * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#committed);
      this.#settled -= this.#committed;
      this.#committed = 0;
    }
  }

  /** Messages after the committed offset (settled or not): what a crash now would read again. */
  get count(): number {
    return this.#entries.length - this.#committed;
  }

  /** Messages with a delivery still unsettled. */
  get unsettled(): number {
    return this.#entries.length - this.#settled;
  }

  /** Age of the oldest uncommitted message, 0 when none. */
  ageMs(now = Date.now()): number {
    const oldest = this.#entries[this.#committed];
    return oldest === undefined ? 0 : now - oldest.takenAt;
  }

  /** Age of the oldest unsettled message, 0 when none: what the age bound applies to. */
  unsettledAgeMs(now = Date.now()): number {
    const oldest = this.#entries[this.#settled];
    return oldest === undefined ? 0 : now - oldest.takenAt;
  }

  /** The last offset handed to take(), to recognise a re-fetch after a rebalance or seek. */
  get lastTaken(): string | undefined {
    return this.#lastTaken;
  }

  #advance(): void {
    while (this.#settled < this.#entries.length && this.#entries[this.#settled]!.pending <= 0) this.#settled += 1;
  }
}
