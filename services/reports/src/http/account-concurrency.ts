import { TooManyRequestsError } from '../errors/too-many-requests-error.js';

/**
 * Caps the expensive requests (exports, exact counts) one account may run at once on this instance,
 * so one customer's scripts cannot occupy Elasticsearch for everyone. Cheap reports are not limited.
 */
export class AccountConcurrency {
  readonly #running = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Takes a slot or throws TooManyRequestsError; the returned release is safe to call twice. */
  acquire(accountId: string): () => void {
    const running = this.#running.get(accountId) ?? 0;
    if (running >= this.limit) throw new TooManyRequestsError(this.limit);
    this.#running.set(accountId, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.#running.get(accountId) ?? 1) - 1;
      if (now <= 0) this.#running.delete(accountId);
      else this.#running.set(accountId, now);
    };
  }
}
