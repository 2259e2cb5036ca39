import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { reapOnExit } from '../../testing/child-reaper.js';

/**
 * A throwaway server process of a test's own (a Kafka broker, a Redis), with its data in `dir`, for
 * tests that stop, kill or restart it while the shared stack keeps serving the other tests.
 * Subclasses say how to spawn it and when it is ready; stopping, crashing and cleaning up are here.
 */
export abstract class PrivateServer {
  #process: ChildProcess | undefined;

  protected constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Starts (again) on the same port and data; resolves when the server accepts clients. */
  async resume(): Promise<void> {
    if (this.#process !== undefined) return;
    const child = this.spawnServer();
    this.#process = child;
    reapOnExit(child);
    child.once('exit', () => {
      if (this.#process === child) this.#process = undefined;
    });
    await this.waitReady(child);
  }

  /** Graceful stop (SIGTERM), as an operator or orchestrator would. */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
  }

  /** Crash (SIGKILL). */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  /** Crash, then remove its data. */
  async destroy(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  protected abstract spawnServer(): ChildProcess;

  /** Resolves once the server spawned as `child` accepts clients; rejects if it will not. */
  protected abstract waitReady(child: ChildProcess): Promise<void>;

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#process;
    if (child === undefined) return;
    const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
    child.kill(signal);
    await exited;
    this.#process = undefined;
  }
}
