import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readEnvironment } from '../../shared/config/environment.js';

/** dist/bench/relay-support -> dist/services/relay/src/main.js (benchmarks run compiled). */
const MAIN = resolve(import.meta.dirname, '..', '..', 'services', 'relay', 'src', 'main.js');

/** The built relay as a child process, as production runs it; its JSON log lines are parsed. */
export class RelayChild {
  readonly lines: Record<string, unknown>[] = [];
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolvePromise) => child.once('exit', (code) => resolvePromise(code)));
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
        try {
          this.lines.push(JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>);
        } catch {
          // not a log line
        }
        buffer = buffer.slice(newline + 1);
      }
    });
    child.stderr?.resume();
  }

  /** Spawns it and resolves when it logs "relay running"; `at` is then performance.now(). */
  static async start(env: Record<string, string>): Promise<{ relay: RelayChild; at: number }> {
    const child = spawn(process.execPath, [MAIN], { env: { ...readEnvironment(), OPS_PORT: '0', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const relay = new RelayChild(child);
    const deadline = Date.now() + 60_000;
    while (!relay.lines.some((line) => line.msg === 'relay running')) {
      if (child.exitCode !== null) throw new Error(`relay exited with ${child.exitCode}: ${JSON.stringify(relay.lines.slice(-5))}`);
      if (Date.now() > deadline) throw new Error('relay did not start within 60 s');
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 5));
    }
    return { relay, at: performance.now() };
  }

  get opsPort(): number {
    return Number(this.lines.find((line) => typeof line.msg === 'string' && line.msg.startsWith('ops server listening'))?.port ?? 0);
  }

  /** CPU seconds (user + system) the process used so far, from /proc. */
  cpuSeconds(): number | null {
    try {
      const fields = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return null;
    }
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}
