import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { readEnvironment } from '../../../shared/config/environment.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const MAIN = join(ROOT, 'dist', 'services', 'relay', 'src', 'main.js');

interface LogLine {
  readonly msg?: string;
  readonly level?: string;
  readonly [field: string]: unknown;
}

/** `node dist/services/relay/src/main.js` (compiled by test/global-setup.ts) as a child process, as production runs it. */
export class RelayProcess {
  readonly lines: LogLine[] = [];
  readonly exited: Promise<number | null>;
  #opsPort = 0;

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolvePromise) => child.once('exit', (code, signal) => resolvePromise(signal === null ? code : null)));
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        try {
          this.lines.push(JSON.parse(line) as LogLine);
        } catch {
          this.lines.push({ msg: line });
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => this.lines.push({ msg: chunk.toString(), level: 'stderr' }));
  }

  /** Starts a relay and resolves once it runs (shards acquired, loop started). */
  static async start(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<RelayProcess> {
    const child = spawn(process.execPath, [MAIN], { env: { ...readEnvironment(), ...env, LOG_LEVEL: env.LOG_LEVEL === 'debug' ? 'debug' : 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const relay = new RelayProcess(child);
    await relay.waitForLog('relay running', options.timeoutMs ?? 30_000);
    const listening = relay.lines.find((line) => line.msg?.startsWith('ops server listening'));
    relay.#opsPort = Number(listening?.port ?? 0);
    return relay;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get instanceId(): string {
    return String(this.lines.find((line) => typeof line.instance === 'string')?.instance ?? '');
  }

  async waitForLog(message: string, timeoutMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find((line) => line.msg?.startsWith(message));
      if (found !== undefined) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`relay exited before "${message}":\n${this.tail()}`);
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
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** SIGKILL if still running, and wait for the exit: every test ends with this. */
  async destroy(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  tail(lines = 30): string {
    return this.lines
      .slice(-lines)
      .map((line) => JSON.stringify(line))
      .join('\n');
  }
}
