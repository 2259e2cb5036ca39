import { Agent } from 'undici';
import type { Logger } from '../../../shared/log/logger.js';
import type { HealthReport } from '../../../shared/ops/health.js';
import type { RunnableService } from '../../../shared/ops/run-service.js';
import { runShutdownSteps } from '../../../shared/ops/shutdown-steps.js';
import { HOURLY_RHYTHM } from '../../../shared/simulation/distributions.js';
import { AuthSimulator } from '../../../shared/simulation/auth-simulator.js';
import { sleep } from '../../../shared/util/sleep.js';
import { LoginClient, type LoginOutcome } from './login-client.js';
import type { TrafficMetrics } from './traffic-metrics.js';
import type { TrafficGeneratorSettings } from './traffic-generator-settings.js';

const TICK_MS = 100;
const PEAK = Math.max(...HOURLY_RHYTHM);

/**
 * Drives realistic logins through the demo auth service: many accounts and users (skewed), Duo-like
 * devices and applications, at TRAFFIC_RATE per second scaled by a working-day rhythm (never below a
 * tenth, so a demo at night still moves). At most TRAFFIC_CONCURRENCY logins are in flight; when the
 * service slows down the generator falls behind instead of piling up requests.
 */
export class TrafficGenerator implements RunnableService {
  readonly #settings: TrafficGeneratorSettings;
  readonly #logger: Logger;
  readonly #metrics: TrafficMetrics;
  readonly #simulator: AuthSimulator;
  readonly #client: LoginClient;
  readonly #agent: Agent;
  readonly #abort = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #counts = new Map<LoginOutcome, number>();
  #loop: Promise<void> | undefined;
  #sent = 0;
  #stopping: Promise<void> | undefined;

  constructor(options: { settings: TrafficGeneratorSettings; logger: Logger; metrics: TrafficMetrics }) {
    this.#settings = options.settings;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#simulator = new AuthSimulator({
      accounts: options.settings.TRAFFIC_ACCOUNTS,
      usersPerAccount: options.settings.TRAFFIC_USERS_PER_ACCOUNT,
      accountPrefix: options.settings.TRAFFIC_ACCOUNT_PREFIX,
      seed: options.settings.TRAFFIC_SEED === 0 ? (Date.now() ^ (process.pid << 16)) >>> 0 : options.settings.TRAFFIC_SEED,
    });
    this.#agent = new Agent({ connections: options.settings.TRAFFIC_CONCURRENCY, keepAliveTimeout: 10_000 });
    this.#client = new LoginClient(options.settings.TRAFFIC_TARGET_URL, this.#agent);
  }

  /** Resolves when TRAFFIC_LIMIT logins have been answered (never, without a limit). */
  get finished(): Promise<void> {
    return this.#loop ?? Promise.resolve();
  }

  async start(): Promise<void> {
    this.#loop = this.#run();
  }

  /** Sends nothing new, waits for the logins in flight (each is answered or given up), closes the agent; safe to call twice. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#abort.abort();
      await runShutdownSteps(
        [
          ['traffic loop', async () => this.#loop],
          ['logins in flight', () => Promise.all(this.#inFlight)],
          ['HTTP agent', () => this.#agent.close()],
        ],
        this.#logger,
      );
      this.#logger.info({ sent: this.#sent, outcomes: Object.fromEntries(this.#counts) }, 'traffic stopped');
    })();
    return this.#stopping;
  }

  health(): Omit<HealthReport, 'state'> {
    return { status: 'ok', checks: { sent: this.#sent, inFlight: this.#inFlight.size, outcomes: Object.fromEntries(this.#counts) } };
  }

  async #run(): Promise<void> {
    const { TRAFFIC_LIMIT: limit, TRAFFIC_CONCURRENCY: concurrency } = this.#settings;
    let credit = 0;
    let last = performance.now();
    while (!this.#abort.signal.aborted && (limit === 0 || this.#sent < limit)) {
      const now = performance.now();
      const rate = this.#rateNow();
      this.#metrics.targetRate.set(rate);
      // Credit accrues with time; unused credit is capped at one second so a stall is not followed by a burst.
      credit = Math.min(rate, credit + (rate * (now - last)) / 1000);
      last = now;
      while (credit >= 1 && this.#inFlight.size < concurrency && (limit === 0 || this.#sent < limit)) {
        credit -= 1;
        this.#launch();
      }
      await sleep(TICK_MS, this.#abort.signal);
    }
    await Promise.all(this.#inFlight);
  }

  #launch(): void {
    this.#sent += 1;
    const event = this.#simulator.next();
    const rollback = Math.random() < this.#settings.TRAFFIC_ROLLBACK_RATIO;
    const started = performance.now();
    const login: Promise<void> = this.#client
      .send(event, { rollback, signal: this.#abort.signal })
      .then((outcome) => {
        this.#counts.set(outcome, (this.#counts.get(outcome) ?? 0) + 1);
        this.#metrics.logins.inc({ outcome });
        this.#metrics.latency.observe((performance.now() - started) / 1000);
        if (outcome === 'gave-up' && !this.#abort.signal.aborted) this.#logger.warn({ txid: event.txid }, 'login gave up after retries');
      })
      .finally(() => this.#inFlight.delete(login));
    this.#inFlight.add(login);
  }

  #rateNow(): number {
    const { TRAFFIC_RATE: rate, TRAFFIC_RHYTHM: rhythm } = this.#settings;
    if (!rhythm) return rate;
    const weight = HOURLY_RHYTHM[new Date().getUTCHours()] ?? PEAK;
    return Math.max(rate / 10, (rate * weight) / PEAK);
  }
}
