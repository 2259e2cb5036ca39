import { Agent } from 'undici';
import { LoginClient, type LoginOutcome } from '../../../services/traffic-generator/src/login-client.js';
import { AuthSimulator } from '../../../shared/simulation/auth-simulator.js';
import { sleep } from '../../../shared/util/sleep.js';

export interface LoginRecord {
  readonly txid: string;
  readonly accountId: string;
  readonly outcome: LoginOutcome;
  /** When the client had its answer (ms since epoch). */
  readonly answeredAt: number;
}

/**
 * Continuous load for the fault suite: one loop per account, each sending its next login only after
 * the previous one was answered, so an account's commit order is exactly its send order (what the
 * per-account order check in Kafka compares against). Retries use the same txid (LoginClient); a
 * share of logins asks the auth service to roll back after recording.
 */
export class PacedLoad {
  readonly records: LoginRecord[] = [];
  readonly #abort = new AbortController();
  readonly #agent = new Agent({ connections: 32 });
  #loops: Promise<void>[] = [];

  constructor(
    private readonly authUrl: string,
    private readonly accounts: readonly string[],
    private readonly options: { perAccountPerSecond: number; rollbackRatio: number; seed: number },
  ) {}

  start(): void {
    const client = new LoginClient(this.authUrl, this.#agent, 1_000);
    this.#loops = this.accounts.map(async (accountId, index) => {
      const simulator = new AuthSimulator({ accounts: 1, usersPerAccount: 50, seed: this.options.seed * 100 + index });
      const pauseMs = 1000 / this.options.perAccountPerSecond;
      while (!this.#abort.signal.aborted) {
        const event = simulator.forAccount(accountId);
        const rollback = Math.random() < this.options.rollbackRatio;
        const outcome = await client.send(event, { rollback, signal: this.#abort.signal });
        this.records.push({ txid: String(event.txid), accountId, outcome, answeredAt: Date.now() });
        await sleep(pauseMs, this.#abort.signal);
      }
    });
  }

  /** Stops sending and waits for the logins in flight; safe to call twice. */
  async stop(): Promise<void> {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort();
    await Promise.all(this.#loops);
    await this.#agent.close();
  }

  committed(): LoginRecord[] {
    return this.records.filter((record) => record.outcome === 'recorded' || record.outcome === 'duplicate');
  }

  /** The first login committed at or after `at` that `accept` selects; waits for one to arrive. */
  async firstCommittedAfter(at: number, accept: (record: LoginRecord) => boolean = () => true): Promise<LoginRecord> {
    for (;;) {
      const found = this.committed().find((record) => record.answeredAt >= at && accept(record));
      if (found !== undefined) return found;
      await sleep(50);
    }
  }
}
