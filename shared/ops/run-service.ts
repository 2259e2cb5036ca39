import type { Registry } from 'prom-client';
import { verifyConnections, type ConnectionProbe } from '../connections/connection-probe.js';
import { ConnectionRejectedError } from '../connections/connection-rejected-error.js';
import { ConfigError } from '../errors/config-error.js';
import { ShutdownTimeoutError } from '../errors/shutdown-timeout-error.js';
import type { Logger } from '../log/logger.js';
import type { HealthReport } from './health.js';
import { startOpsServer, type OpsServer } from './ops-server.js';

export type LifecycleState = 'STARTING' | 'RUNNING' | 'DRAINING' | 'STOPPED' | 'FAILED';

/** What a service main hands to the runner. */
export interface RunnableService {
  /** Resolves once the service does its work (loops started, port bound). */
  start(): Promise<void>;
  /** Stops taking work, finishes what is in flight, releases clients. Safe to call twice. */
  stop(): Promise<void>;
  /** One authenticated round trip per engine, run before start(): a refused credential stops the process naming it. */
  connectionProbes?(): readonly ConnectionProbe[];
  /** The service's own health; the runner adds the lifecycle state. */
  health(): Omit<HealthReport, 'state'> | Promise<Omit<HealthReport, 'state'>>;
}

export interface RunnerOptions {
  readonly name: string;
  readonly logger: Logger;
  readonly shutdownDeadlineMs: number;
  readonly ops: { readonly port: number; readonly host?: string; readonly registry: Registry };
  /** Injected so tests can observe exits; defaults to process.exit. */
  readonly exit?: (code: number) => void;
}

/**
 * Runs one service process: ops server, start, signal handling, and a shutdown with a deadline.
 * SIGTERM/SIGINT drain the service; a second signal, or the deadline, exits non-zero at once.
 * A service calls `fail()` when it cannot recover, which stops it and exits non-zero so the
 * supervisor restarts it.
 */
export class ServiceRunner {
  #state: LifecycleState = 'STARTING';
  #ops: OpsServer | undefined;
  #shutdown: Promise<void> | undefined;
  readonly #options: RunnerOptions;

  constructor(options: RunnerOptions) {
    this.#options = options;
  }

  get state(): LifecycleState {
    return this.#state;
  }

  async run(service: RunnableService): Promise<void> {
    const { logger, ops } = this.#options;
    this.#ops = await startOpsServer({
      port: ops.port,
      ...(ops.host === undefined ? {} : { host: ops.host }),
      registry: ops.registry,
      logger,
      health: async () => ({ ...(await service.health()), state: this.#state }),
    });
    this.#installSignalHandlers(service);
    try {
      await verifyConnections(service.connectionProbes?.() ?? [], logger);
      await service.start();
    } catch (error) {
      this.fail(service, error);
      return;
    }
    if (this.#state === 'STARTING') this.#state = 'RUNNING';
    logger.info({ state: this.#state }, `${this.#options.name} running`);
  }

  /**
   * Unrecoverable failure: report it, stop what can be stopped, exit non-zero. A setting an engine
   * refused (wrong password, untrusted certificate) is one line naming the engine and the setting,
   * no stack trace, and exit code 2 ("misconfigured") like a malformed setting.
   */
  fail(service: RunnableService, error: unknown): void {
    if (error instanceof ConnectionRejectedError || error instanceof ConfigError) {
      const engine = error instanceof ConnectionRejectedError ? error.engine : undefined;
      this.#options.logger.fatal({ code: error.code, engine, variable: error.variable }, error.message);
      void this.#stop(service, 'FAILED', 2);
      return;
    }
    this.#options.logger.fatal({ err: error }, `${this.#options.name} failed`);
    void this.#stop(service, 'FAILED');
  }

  #installSignalHandlers(service: RunnableService): void {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        this.#options.logger.warn({ signal }, 'second signal: exiting without waiting for the drain');
        this.#exit(1);
        return;
      }
      this.#options.logger.info({ signal, deadlineMs: this.#options.shutdownDeadlineMs }, 'draining');
      void this.#stop(service, 'STOPPED');
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  #stop(service: RunnableService, finalState: 'STOPPED' | 'FAILED', failureCode = 1): Promise<void> {
    this.#shutdown ??= (async () => {
      if (this.#state !== 'FAILED') this.#state = finalState === 'FAILED' ? 'FAILED' : 'DRAINING';
      const deadlineMs = this.#options.shutdownDeadlineMs;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ShutdownTimeoutError(deadlineMs)), deadlineMs);
      });
      let code = finalState === 'FAILED' ? failureCode : 0;
      try {
        await Promise.race([service.stop(), deadline]);
      } catch (error) {
        this.#options.logger.error({ err: error }, 'shutdown did not complete cleanly');
        code = code === 0 ? 1 : code;
      } finally {
        clearTimeout(timer);
      }
      await this.#ops?.close();
      if (this.#state !== 'FAILED') this.#state = 'STOPPED';
      this.#options.logger.info({ state: this.#state, exitCode: code }, `${this.#options.name} stopped`);
      this.#exit(code);
    })();
    return this.#shutdown;
  }

  #exit(code: number): void {
    (this.#options.exit ?? ((c: number) => process.exit(c)))(code);
  }
}
