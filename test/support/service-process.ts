import { SpawnedProcess, type ProcessExit } from '../../testing/spawned-process.js';
import { freePort } from './free-port.js';

/**
 * A built service (`dist/services/<name>/src/main.js`, compiled by test/global-setup.ts) running as
 * a child process, as production runs it: its own ops port, only PATH, HOME and `env` in its
 * environment, its JSON log lines kept for assertions and failure messages. `stop()` drains it with
 * SIGTERM, `kill()` crashes it with SIGKILL; tests must call one of them so no process outlives its test.
 */
export class ServiceProcess {
  readonly #process: SpawnedProcess;

  private constructor(
    readonly service: string,
    readonly opsPort: number,
    env: Readonly<Record<string, string>>,
  ) {
    this.#process = new SpawnedProcess(`dist/services/${service}/src/main.js`, { LOG_LEVEL: 'info', ...env, OPS_PORT: String(opsPort) }, [], {
      inheritEnvironment: false,
    });
  }

  /** Starts `service` and resolves once its /healthz answers 200 (RUNNING and able to work). */
  static async start(service: string, env: Readonly<Record<string, string>>, timeoutMs = 60_000): Promise<ServiceProcess> {
    const child = new ServiceProcess(service, await freePort(), env);
    try {
      await child.waitHealthy(timeoutMs);
    } catch (error) {
      await child.kill();
      throw error;
    }
    return child;
  }

  /** Starts `service` without waiting for it to be healthy (for services expected to refuse to start). */
  static async launch(service: string, env: Readonly<Record<string, string>>): Promise<ServiceProcess> {
    return new ServiceProcess(service, await freePort(), env);
  }

  get lines(): string[] {
    return this.#process.lines;
  }

  get stderr(): string {
    return this.#process.stderr;
  }

  get exited(): Promise<ProcessExit> {
    return this.#process.exited;
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  get running(): boolean {
    return this.#process.running;
  }

  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.service} exited while starting: ${this.describe()}`);
      const status = await fetch(`http://127.0.0.1:${this.opsPort}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`${this.service} not healthy within ${timeoutMs} ms: ${this.describe()}`);
      await new Promise((done) => setTimeout(done, 200));
    }
  }

  /** The Prometheus exposition of its /metrics. */
  async metrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.opsPort}/metrics`)).text();
  }

  /** SIGTERM, then SIGKILL after `deadlineMs`; resolves with the exit code (null when killed). */
  stop(deadlineMs = 30_000): Promise<number | null> {
    return this.#process.stop(deadlineMs);
  }

  /** A crash: SIGKILL, no drain. */
  kill(): Promise<void> {
    return this.#process.kill();
  }

  /** The last log lines and stderr, for a failure message. */
  describe(): string {
    return this.#process.describe();
  }
}
