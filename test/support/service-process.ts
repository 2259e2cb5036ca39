import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { readEnvironment } from '../../shared/config/environment.js';
import { reapOnExit } from './child-reaper.js';
import { freePort } from './free-port.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * A built service (`dist/services/<name>/src/main.js`, compiled by test/global-setup.ts) running as
 * a child process, as production runs it: its own ops port, its JSON log lines kept for assertions
 * and failure messages. `stop()` drains it with SIGTERM, `kill()` crashes it with SIGKILL; tests
 * must call one of them so no process outlives its test.
 */
export class ServiceProcess {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #child: ChildProcess;

  private constructor(
    readonly service: string,
    readonly opsPort: number,
    env: Readonly<Record<string, string>>,
  ) {
    const main = resolve(ROOT, 'dist', 'services', service, 'src', 'main.js');
    const inherited = readEnvironment();
    this.#child = spawn(process.execPath, [main], {
      cwd: ROOT,
      env: { PATH: inherited.PATH ?? '', HOME: inherited.HOME ?? '', LOG_LEVEL: 'info', ...env, OPS_PORT: String(opsPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.#child.stdout?.on('data', (chunk: Buffer) => {
      const complete = (partial + chunk.toString('utf8')).split('\n');
      partial = complete.pop() ?? '';
      this.lines.push(...complete);
      if (this.lines.length > 20_000) this.lines.splice(0, 10_000);
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-20_000);
    });
    reapOnExit(this.#child);
    this.exited = new Promise((done) => this.#child.once('exit', (code, signal) => done({ code, signal })));
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

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
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
  async stop(deadlineMs = 30_000): Promise<number | null> {
    if (this.running) this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), deadlineMs);
    const { code } = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** A crash: SIGKILL, no drain. */
  async kill(): Promise<void> {
    if (this.running) this.#child.kill('SIGKILL');
    await this.exited;
  }

  /** The last log lines and stderr, for a failure message. */
  describe(): string {
    return `last log lines:\n${this.lines.slice(-15).join('\n')}\nstderr:\n${this.stderr.slice(-3000)}`;
  }
}
