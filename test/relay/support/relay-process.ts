import { SpawnedProcess } from '../../../testing/spawned-process.js';

const MAIN = 'dist/services/relay/src/main.js';

interface LogLine {
  readonly msg?: string;
  readonly level?: string;
  readonly [field: string]: unknown;
}

/** `node dist/services/relay/src/main.js` (compiled by test/global-setup.ts) as a child process, as production runs it. */
export class RelayProcess {
  /** The exit code, or null when a signal killed it. */
  readonly exited: Promise<number | null>;
  readonly #process: SpawnedProcess;
  #opsPort = 0;

  private constructor(process: SpawnedProcess) {
    this.#process = process;
    this.exited = process.exited.then(({ code, signal }) => (signal === null ? code : null));
  }

  /** Starts a relay and resolves once it runs (shards acquired, loop started). */
  static async start(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<RelayProcess> {
    const relay = new RelayProcess(new SpawnedProcess(MAIN, { ...env, LOG_LEVEL: env.LOG_LEVEL === 'debug' ? 'debug' : 'info' }));
    await relay.waitForLog('relay running', options.timeoutMs ?? 30_000);
    const listening = relay.lines.find((line) => line.msg?.startsWith('ops server listening'));
    relay.#opsPort = Number(listening?.port ?? 0);
    return relay;
  }

  /** Its log lines, parsed (a line that is not JSON becomes `{ msg }`), then its stderr. */
  get lines(): LogLine[] {
    const parsed = this.#process.lines.map((line): LogLine => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        return { msg: line };
      }
    });
    return this.#process.stderr === '' ? parsed : [...parsed, { msg: this.#process.stderr, level: 'stderr' }];
  }

  get pid(): number {
    return this.#process.pid ?? 0;
  }

  get instanceId(): string {
    return String(this.lines.find((line) => typeof line.instance === 'string')?.instance ?? '');
  }

  async waitForLog(message: string, timeoutMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find((line) => line.msg?.startsWith(message));
      if (found !== undefined) return found;
      if (!this.#process.running) throw new Error(`relay exited before "${message}":\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`relay did not log "${message}" within ${timeoutMs} ms:\n${this.tail()}`);
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
    }
  }

  async health(): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`http://127.0.0.1:${this.#opsPort}/healthz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async metrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.#opsPort}/metrics`)).text();
  }

  /** A metric's value (first series with that name, labels ignored unless given in `name`). */
  async metric(name: string): Promise<number> {
    const line = (await this.metrics()).split('\n').find((candidate) => candidate.startsWith(name) && !candidate.startsWith('#'));
    return Number(line?.split(' ').at(-1));
  }

  signal(signal: NodeJS.Signals): void {
    this.#process.signal(signal);
  }

  /** SIGKILL if still running, and wait for the exit: every test ends with this. */
  async destroy(): Promise<void> {
    await this.#process.kill();
  }

  tail(lines = 30): string {
    return this.lines
      .slice(-lines)
      .map((line) => JSON.stringify(line))
      .join('\n');
  }
}
