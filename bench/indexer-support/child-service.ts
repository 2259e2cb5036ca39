import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { readEnvironment } from '../../shared/config/environment.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** The built relay, which several benchmarks run. */
export const RELAY_MAIN = 'dist/services/relay/src/main.js';

/**
 * A built service (dist/...) run as a child process for a benchmark: its JSON log lines are kept so
 * the bench can wait for one and read its `time`; stop() sends SIGTERM and waits, kill() SIGKILLs.
 */
export class ChildService {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  readonly #child: ChildProcess;
  #partial = '';

  constructor(script: string, settings: Record<string, string>, args: readonly string[] = []) {
    const base = Object.fromEntries(Object.entries(readEnvironment()).filter((entry): entry is [string, string] => entry[1] !== undefined));
    this.#child = spawn(process.execPath, [resolve(ROOT, script), ...args], { cwd: ROOT, env: { ...base, ...settings }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stdout?.on('data', (chunk: Buffer) => {
      const parts = (this.#partial + chunk.toString('utf8')).split('\n');
      this.#partial = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-10_000);
    });
    this.exited = new Promise((done) => this.#child.once('exit', (code) => done(code)));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The first log line containing `text`, parsed; waits up to `timeoutMs`. */
  async waitForLog(text: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const line = this.lines.find((candidate) => candidate.includes(text));
      if (line !== undefined) return JSON.parse(line) as Record<string, unknown>;
      if (exited) throw new Error(`${text}: the process exited first; stderr: ${this.stderr}; last lines: ${this.lines.slice(-5).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`no log line with "${text}" within ${timeoutMs} ms`);
      await new Promise((done) => setTimeout(done, 20));
    }
  }

  async stop(): Promise<number | null> {
    if (this.running) this.#child.kill('SIGTERM');
    return this.exited;
  }

  async kill(): Promise<void> {
    if (this.running) this.#child.kill('SIGKILL');
    await this.exited;
  }
}
