import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readEnvironment } from '../../shared/config/environment.js';
import { freePort } from './free-port.js';
import { PrivateServer } from './private-server.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * A throwaway single-node Kafka broker of our own, for tests that stop, kill or restart the broker
 * (the shared one on 9092 serves every other test at the same time). Same Kafka version and
 * settings as scripts/stack; it reuses the classpath that `scripts/stack start kafka` resolved.
 * About 3 s to start and 512 MiB of heap: use one per test file, not per test.
 */
export class PrivateKafka extends PrivateServer {
  private constructor(
    dir: string,
    port: number,
    private readonly classpath: string,
  ) {
    super(dir, port);
  }

  static async start(): Promise<PrivateKafka> {
    const dir = await mkdtemp(join(tmpdir(), 'authlog-kafka-'));
    const [port, controllerPort] = [await freePort(), await freePort()];
    const template = await readFile(join(ROOT, 'stack', 'kafka', 'server.properties'), 'utf8');
    await writeFile(
      join(dir, 'server.properties'),
      template
        .replaceAll('@PORT@', String(port))
        .replaceAll('@CONTROLLER_PORT@', String(controllerPort))
        .replaceAll('@DATA_DIR@', join(dir, 'data')),
    );
    const kafka = new PrivateKafka(dir, port, await findClasspath());
    await kafka.#java(['kafka.tools.StorageTool', 'format', '-t', 'AAAAAAAAAAAAAAAAAAAAAA', '-c', join(dir, 'server.properties')]);
    await kafka.resume();
    return kafka;
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  protected override spawnServer(): ChildProcess {
    return spawn('java', [...this.#jvmOptions(), 'kafka.Kafka', join(this.dir, 'server.properties')], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  protected override waitReady(child: ChildProcess): Promise<void> {
    return new Promise<void>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`private Kafka did not start within 60 s (${this.dir})`)), 60_000);
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Kafka Server started')) {
          clearTimeout(timer);
          output = '';
          resolvePromise();
        } else if (output.length > 100_000) output = output.slice(-1000);
      });
      child.stderr?.resume();
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`private Kafka exited with ${code} while starting`));
      });
    });
  }

  #jvmOptions(): string[] {
    return ['-Xms256m', '-Xmx512m', '-XX:+UseG1GC', '-Dlog4j2.configurationFile=' + join(ROOT, 'stack', 'kafka', 'log4j2.properties'), '-cp', this.classpath];
  }

  async #java(args: string[]): Promise<void> {
    const child = spawn('java', [...this.#jvmOptions(), ...args], { stdio: 'ignore' });
    const code = await new Promise<number | null>((resolvePromise) => child.once('exit', resolvePromise));
    if (code !== 0) throw new Error(`java ${args[0]} exited with ${code}`);
  }
}

async function findClasspath(): Promise<string> {
  const stackDir = readEnvironment().AUTHLOG_STACK_DIR ?? join(ROOT, '.stack');
  const kafkaDir = join(stackDir, 'kafka');
  const file = (await readdir(kafkaDir)).find((name) => name.startsWith('classpath-'));
  if (file === undefined) throw new Error(`no Kafka classpath in ${kafkaDir}: run "scripts/stack start kafka" first`);
  return (await readFile(join(kafkaDir, file), 'utf8')).trim();
}
