/**
 * A bounded set of the most recently added keys: at least the last `capacity / 2`, at most
 * `capacity`. Two generations: when the current one holds `capacity / 2` keys, it becomes the
 * previous one and the old previous is dropped whole.
 *
 * Why not one Set that deletes its oldest key on each add (what FirstAttempts had): V8's ordered
 * hash tables leave a deleted entry in place until they are rebuilt, and `values().next()` walks
 * past every one of them, so at capacity each eviction cost ~80 µs at 50,000 keys (measured),
 * more than a whole delivery. It never showed in a quick bench run (30,000 deliveries, the set
 * never full), only in full runs.
 */
export class RecentKeys {
  #current = new Set<string>();
  #previous = new Set<string>();
  readonly #generation: number;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`capacity must be an integer of at least 2, got ${capacity}`);
    this.#generation = Math.floor(capacity / 2);
  }

  has(key: string): boolean {
    return this.#current.has(key) || this.#previous.has(key);
  }

  add(key: string): void {
    this.#current.add(key);
    if (this.#current.size >= this.#generation) {
      this.#previous = this.#current;
      this.#current = new Set();
    }
  }

  get size(): number {
    return this.#current.size + this.#previous.size;
  }
}
