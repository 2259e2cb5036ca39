import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readEnvironment } from '../shared/config/environment.js';
import { reapOnExit } from './child-reaper.js';

/**
 * The repository root: scripts are given relative to it, and children run in it. Found by walking up
 * to package.json because this module runs both from source (vitest) and from dist/ (benchmarks).
 */
export const ROOT = repositoryRoot(import.meta.dirname);

/** How a child ended: its exit code, or the signal that killed it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /**
   * true (default): the child gets this process's environment with `settings` over it. false: only
   * PATH, HOME and `settings`, for tests that must prove a service needs nothing else.
   */
  readonly inheritEnvironment?: boolean;
}

// A stderr tail long enough for the progress lines tests look for, bounded for long benchmarks.
const STDERR_KEPT = 100_000;

/**
 * A built entry point (dist/..., compiled by test/global-setup.ts or the bench runner) run as a child
 * process, as production runs it: its stdout JSON log lines and a stderr tail are kept, so a test or
 * a benchmark can wait for a log line, signal it, and read its exit. The child is killed if this
 * process exits first (child-reaper.ts). Every caller ends with stop() or kill().
 */
export class SpawnedProcess {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<ProcessExit>;
  readonly #child: ChildProcess;
  #waiters: { text: string; resolve: (line: string) => void }[] = [];

  constructor(script: string, settings: Readonly<Record<string, string>>, args: readonly string[] = [], options: SpawnOptions = {}) {
    this.#child = spawn(process.execPath, [resolve(ROOT, script), ...args], {
      cwd: ROOT,
      env: childEnvironment(settings, options.inheritEnvironment ?? true),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.#child.stdout?.on('data', (chunk: Buffer) => {
      const complete = (partial + chunk.toString('utf8')).split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) this.#line(line);
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    reapOnExit(this.#child);
    this.exited = new Promise((done) => this.#child.once('exit', (code, signal) => done({ code, signal })));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Resolves with the first stdout line (past or future) containing `text`; rejects if the child exits first. */
  waitForLine(text: string, timeoutMs = 30_000): Promise<string> {
    const found = this.lines.find((line) => line.includes(text));
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line with "${text}" within ${timeoutMs} ms; ${this.describe()}`)), timeoutMs);
      this.#waiters.push({
        text,
        resolve: (line) => {
          clearTimeout(timer);
          resolvePromise(line);
        },
      });
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`process exited before logging "${text}"; ${this.describe()}`));
      });
    });
  }

  /** The first log line containing `text`, parsed as JSON. */
  async waitForLog(text: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    return JSON.parse(await this.waitForLine(text, timeoutMs)) as Record<string, unknown>;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.#child.kill(signal);
  }

  /** SIGTERM (a drain), then SIGKILL after `deadlineMs`; resolves with the exit code (null when killed). */
  async stop(deadlineMs = 60_000): Promise<number | null> {
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), deadlineMs);
    const { code } = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** A crash: SIGKILL, no drain; waits for the exit. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  /** The last log lines and stderr, for a failure message. */
  describe(): string {
    return `last log lines:\n${this.lines.slice(-15).join('\n')}\nstderr:\n${this.stderr.slice(-3000)}`;
  }

  #line(line: string): void {
    this.lines.push(line);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (line.includes(waiter.text)) waiter.resolve(line);
      else this.#waiters.push(waiter);
    }
  }
}

function childEnvironment(settings: Readonly<Record<string, string>>, inherit: boolean): Record<string, string> {
  const inherited = readEnvironment();
  const base = inherit
    ? Object.fromEntries(Object.entries(inherited).filter((entry): entry is [string, string] => entry[1] !== undefined))
    : { PATH: inherited.PATH ?? '', HOME: inherited.HOME ?? '' };
  return { ...base, ...settings };
}

function repositoryRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
