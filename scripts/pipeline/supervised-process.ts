import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { backoffDelay } from '../../shared/util/backoff.js';

export interface ProcessSpec {
  readonly name: string;
  /** Path of the compiled main, run with this same Node. */
  readonly main: string;
  readonly env: Readonly<Record<string, string>>;
  /** Port of its /healthz, for the status board. */
  readonly opsPort: number;
}

export type ProcessState = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

/**
 * One child process of the local pipeline, restarted with back-off when it dies unexpectedly (as an
 * orchestrator would). Its JSON logs go to a file, not the terminal, which shows the status board.
 */
export class SupervisedProcess {
  #child: ChildProcess | undefined;
  #state: ProcessState = 'stopped';
  #restarts = 0;
  #startedAt = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  readonly #log: WriteStream;

  constructor(
    readonly spec: ProcessSpec,
    logFile: string,
  ) {
    this.#log = createWriteStream(logFile, { flags: 'a' });
  }

  get state(): ProcessState {
    return this.#state;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get restarts(): number {
    return this.#restarts;
  }

  get uptimeMs(): number {
    return this.#child === undefined ? 0 : Date.now() - this.#startedAt;
  }

  start(): void {
    this.#state = 'starting';
    this.#startedAt = Date.now();
    // Its own process group: a Ctrl-C in the terminal reaches only the supervisor, which then stops
    // the children in order (traffic first) instead of all of them at once.
    const child = spawn(process.execPath, [this.spec.main], { env: { ...process.env, ...this.spec.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.#child = child;
    child.stdout?.pipe(this.#log, { end: false });
    child.stderr?.pipe(this.#log, { end: false });
    child.once('spawn', () => {
      if (this.#state === 'starting') this.#state = 'running';
    });
    child.once('exit', (code, signal) => {
      this.#child = undefined;
      if (this.#state === 'stopping') {
        this.#state = 'stopped';
        return;
      }
      // An exit we did not ask for: restart it, waiting longer after each crash in a row.
      this.#state = 'restarting';
      const delay = backoffDelay(Math.min(this.#restarts, 6), { initialMs: 500, maxMs: 15_000, factor: 2 });
      this.#log.write(`${JSON.stringify({ supervisor: this.spec.name, exited: code, signal, restartInMs: delay })}\n`);
      this.#restarts += 1;
      this.#restartTimer = setTimeout(() => this.start(), delay);
    });
  }

  /** From now on an exit is expected: no restart. */
  beginStop(): void {
    clearTimeout(this.#restartTimer);
    this.#state = 'stopping';
  }

  /** SIGTERM and wait for the exit; SIGKILL after `deadlineMs`. */
  async stop(deadlineMs: number): Promise<void> {
    this.beginStop();
    const child = this.#child;
    if (child === undefined) {
      this.#state = 'stopped';
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    this.beginStop();
    this.#child?.kill('SIGKILL');
  }
}
