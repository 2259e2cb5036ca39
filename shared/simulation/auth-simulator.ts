import type { AuthEventInput } from '../event/auth-event-schema.js';
import { APPLICATIONS, HOURLY_RHYTHM, LOCATIONS, PLATFORM_WEIGHTS, PLATFORMS } from './distributions.js';
import { SeededRandom } from './random.js';
import { simulateDecision } from './simulate-decision.js';

export interface SimulatorOptions {
  readonly accounts: number;
  readonly usersPerAccount: number;
  readonly seed?: number;
  /** Account ids are `<prefix><n>`; tests give each run its own prefix. */
  readonly accountPrefix?: string;
}

/**
 * Simulated authentication decisions with Duo-like distributions of results, reasons and factors,
 * for the demo auth service, the traffic generator, tests and benchmarks. Account and user activity
 * is skewed (a few big accounts, a few busy users), as in real tenants.
 */
export class AuthSimulator {
  readonly #random: SeededRandom;
  readonly #options: Required<SimulatorOptions>;

  constructor(options: SimulatorOptions) {
    this.#options = { seed: 1, accountPrefix: 'acct_', ...options };
    this.#random = new SeededRandom(this.#options.seed);
  }

  accountIds(): string[] {
    return Array.from({ length: this.#options.accounts }, (_, index) => this.#accountId(index));
  }

  /** One event at `at` (default now) for a skewed-random account. */
  next(at: Date = new Date()): AuthEventInput {
    return this.forAccount(this.#accountId(this.#skewed(this.#options.accounts)), at);
  }

  /** One event at `at` for a given account. */
  forAccount(accountId: string, at: Date = new Date()): AuthEventInput {
    const random = this.#random;
    const { result, reason, factor } = simulateDecision(random);
    const userIndex = this.#skewed(this.#options.usersPerAccount);
    const platform = PLATFORMS.find((candidate) => candidate.os === random.weighted(PLATFORM_WEIGHTS)) ?? PLATFORMS[0];
    const browser = random.pick(platform.browsers);
    const browserVersion = `${120 + random.int(12)}.0`;
    const application = random.pick(APPLICATIONS);
    const location = random.pick(LOCATIONS);
    return {
      account_id: accountId,
      txid: random.uuid(),
      timestamp: at,
      event_type: random.next() < 0.02 ? 'enrollment' : 'authentication',
      result,
      reason,
      factor,
      user: { key: `DU${accountId}U${userIndex}`, name: `user${userIndex}@${accountId}.example`, groups: [userIndex % 3 === 0 ? 'engineering' : 'staff'] },
      application: { key: `DI${APPLICATIONS.indexOf(application)}`, name: application },
      access_device: {
        ip: `${11 + random.int(180)}.${random.int(256)}.${random.int(256)}.${1 + random.int(254)}`,
        hostname: null,
        location,
        os: platform.os,
        os_version: random.pick(platform.versions),
        browser,
        browser_version: browserVersion,
        is_encryption_enabled: random.next() < 0.9,
        is_firewall_enabled: random.next() < 0.8,
        is_password_set: random.next() < 0.97,
        security_agents: random.next() < 0.3 ? ['crowdstrike'] : [],
      },
      auth_device: factor === 'duo_push' || factor === 'phone_call' ? { name: `+1 555 01${String(userIndex % 100).padStart(2, '0')}`, ip: null, location } : null,
      ood_software: reason === 'out_of_date' ? `${browser} ${browserVersion}` : null,
    };
  }

  /** A time in [from, to) following the working-day rhythm, for historical data. */
  timestampBetween(from: Date, to: Date): Date {
    for (;;) {
      const candidate = new Date(from.getTime() + this.#random.next() * (to.getTime() - from.getTime()));
      const weight = HOURLY_RHYTHM[candidate.getUTCHours()] ?? 1;
      if (this.#random.next() * 14 < weight) return candidate;
    }
  }

  /** Index in [0, n) where low indices are much more likely (a rough Zipf). */
  #skewed(n: number): number {
    return Math.min(n - 1, Math.floor(n * this.#random.next() ** 2));
  }

  #accountId(index: number): string {
    return `${this.#options.accountPrefix}${index}`;
  }
}
