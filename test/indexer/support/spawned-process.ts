import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { childEnvironment } from './indexer-harness.js';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/**
 * A built entry point (dist/, compiled by test/global-setup.ts) run as a child process, with its
 * stdout JSON log lines and stderr collected, so a test can wait for a log message, signal it, and
 * read its exit code.
 */
export class SpawnedProcess {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #child: ChildProcess;
  #waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];

  constructor(script: string, settings: Record<string, string>, args: readonly string[] = []) {
    this.#child = spawn(process.execPath, [resolve(ROOT, script), ...args], { cwd: ROOT, env: childEnvironment(settings), stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.#child.stdout?.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const complete = text.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) this.#line(line);
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    this.exited = new Promise((resolvePromise) => this.#child.once('exit', (code, signal) => resolvePromise({ code, signal })));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Resolves with the first stdout line (past or future) containing `text`. */
  waitForLine(text: string, timeoutMs = 30_000): Promise<string> {
    const found = this.lines.find((line) => line.includes(text));
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line with "${text}" within ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.#waiters.push({
        match: (line) => line.includes(text),
        resolve: (line) => {
          clearTimeout(timer);
          resolvePromise(line);
        },
      });
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`process exited before logging "${text}"; stderr: ${this.stderr.slice(-2000)}; last lines: ${this.lines.slice(-5).join('\n')}`));
      });
    });
  }

  signal(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** Kills the process if it still runs (SIGKILL) and waits for it: no child outlives its test. */
  async kill(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    await this.exited;
  }

  #line(line: string): void {
    this.lines.push(line);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (waiter.match(line)) waiter.resolve(line);
      else this.#waiters.push(waiter);
    }
  }
}
