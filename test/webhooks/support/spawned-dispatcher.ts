import { SpawnedProcess } from '../../../testing/spawned-process.js';

const MAIN = 'dist/services/webhook-dispatcher/src/main.js';

/**
 * The built dispatcher (dist/, as production runs it) in a child process, for tests that kill it.
 * Resolves once it logged that it is dispatching; its log lines are kept for failure messages.
 */
export class SpawnedDispatcher {
  private constructor(private readonly process: SpawnedProcess) {}

  static async start(env: Record<string, string>, timeoutMs = 60_000): Promise<SpawnedDispatcher> {
    const process = new SpawnedProcess(MAIN, { ...env, LOG_LEVEL: 'info' }, [], { inheritEnvironment: false });
    try {
      await process.waitForLine('"dispatching webhooks"', timeoutMs);
    } catch (error) {
      const exitedFirst = !process.running;
      await process.kill();
      const what = exitedFirst ? `exited with ${(await process.exited).code} while starting` : `did not start within ${timeoutMs} ms`;
      throw new Error(`dispatcher ${what}: ${process.describe()}`, { cause: error });
    }
    return new SpawnedDispatcher(process);
  }

  get lines(): string[] {
    return this.process.lines;
  }

  get exited(): boolean {
    return !this.process.running;
  }

  /** kill -9: no drain, no goodbye. */
  async kill(): Promise<void> {
    await this.process.kill();
  }

  /** SIGTERM: the service drains and exits; resolves with the exit code. */
  async terminate(): Promise<number | null> {
    this.process.signal('SIGTERM');
    return (await this.process.exited).code;
  }
}
