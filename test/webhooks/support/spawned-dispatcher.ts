import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const MAIN = resolve(import.meta.dirname, '..', '..', '..', 'dist', 'services', 'webhook-dispatcher', 'src', 'main.js');

/**
 * The built dispatcher (dist/, as production runs it) in a child process, for tests that kill it.
 * Resolves once it logged that it is dispatching; its log lines are kept for failure messages.
 */
export class SpawnedDispatcher {
  readonly lines: string[] = [];

  private constructor(private readonly child: ChildProcess) {}

  static async start(env: Record<string, string>, timeoutMs = 60_000): Promise<SpawnedDispatcher> {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const spawned = new SpawnedDispatcher(child);
    await new Promise<void>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`dispatcher did not start within ${timeoutMs} ms:\n${spawned.lines.slice(-20).join('\n')}`)), timeoutMs);
      let buffered = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          spawned.lines.push(line);
          if (line.includes('"dispatching webhooks"')) {
            clearTimeout(timer);
            resolvePromise();
          }
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => spawned.lines.push(chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`dispatcher exited with ${code} while starting:\n${spawned.lines.slice(-20).join('\n')}`));
      });
    });
    return spawned;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** kill -9: no drain, no goodbye. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  /** SIGTERM: the service drains and exits; resolves with the exit code. */
  async terminate(): Promise<number | null> {
    return this.#signal('SIGTERM');
  }

  async #signal(signal: NodeJS.Signals): Promise<number | null> {
    if (this.exited) return this.child.exitCode;
    const exited = new Promise<number | null>((resolvePromise) => this.child.once('exit', (code) => resolvePromise(code)));
    this.child.kill(signal);
    return exited;
  }
}
