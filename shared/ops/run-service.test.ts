import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ConnectionRejectedError } from '../connections/connection-rejected-error.js';
import type { ConnectionProbe } from '../connections/connection-probe.js';
import type { Logger } from '../log/logger.js';
import { ServiceRunner, type RunnableService } from './run-service.js';

/** A logger that keeps what it was given, to read back the fatal line. */
function recordingLogger(lines: { level: string; fields: object; message?: string }[]): Logger {
  const at = (level: string) => (fields: object, message?: string) => void lines.push({ level, fields, ...(message === undefined ? {} : { message }) });
  const logger: Logger = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'), child: () => logger };
  return logger;
}

const probe = (engine: ConnectionProbe['engine'], outcome: () => Promise<void>, explain: ConnectionProbe['explain'] = () => undefined): ConnectionProbe => ({ engine, run: outcome, explain });

async function run(probes: ConnectionProbe[]) {
  const lines: { level: string; fields: object; message?: string }[] = [];
  let started = false;
  let exitCode: number | undefined;
  const exited = new Promise<void>((done) => {
    const service: RunnableService = {
      start: async () => {
        started = true;
      },
      stop: async () => undefined,
      health: () => ({ status: 'ok' }),
      connectionProbes: () => probes,
    };
    const runner = new ServiceRunner({ name: 'probe-test', logger: recordingLogger(lines), shutdownDeadlineMs: 1_000, ops: { port: 0, registry: new Registry() }, exit: (code) => ((exitCode = code), done()) });
    void runner.run(service).then(() => started && done());
  });
  await exited;
  return { lines, started, exitCode };
}

describe('ServiceRunner connection probes', () => {
  it('stops before start with exit 2 and one fatal line naming engine and setting, without the error object, when a probe is refused', async () => {
    const refused = new ConnectionRejectedError('redis', 'AUTHLOG_REDIS_PASSWORD', 'the user name or password was not accepted');
    const result = await run([probe('mysql', async () => undefined), probe('redis', async () => Promise.reject(new Error('WRONGPASS')), () => refused)]);
    expect(result.started).toBe(false);
    expect(result.exitCode).toBe(2);
    const fatal = result.lines.find((line) => line.level === 'fatal');
    expect(fatal?.fields).toEqual({ code: 'CONNECTION_REJECTED', engine: 'redis', variable: 'AUTHLOG_REDIS_PASSWORD' });
    expect(fatal?.message).toBe('redis refused the connection: the user name or password was not accepted; check AUTHLOG_REDIS_PASSWORD');
  });

  it('starts anyway, with a warning, when an engine is merely unreachable (the service retries it)', async () => {
    const result = await run([probe('kafka', async () => Promise.reject(new Error('connect ECONNREFUSED')))]);
    expect(result.started).toBe(true);
    expect(result.exitCode).toBeUndefined();
    expect(result.lines.find((line) => line.level === 'warn')?.fields).toMatchObject({ engine: 'kafka' });
    // Drain it like a pod would, so its ops server does not outlive the test.
    process.emit('SIGTERM', 'SIGTERM');
    await new Promise((done) => setTimeout(done, 100));
  });
});
