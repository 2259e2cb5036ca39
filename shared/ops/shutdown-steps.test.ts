import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../log/logger.js';
import { ServiceRunner } from './run-service.js';
import { runShutdownSteps } from './shutdown-steps.js';

function recordingLogger(lines: { level: string; fields: Record<string, unknown> }[]): Logger {
  const at = (level: string) => (fields: object) => void lines.push({ level, fields: fields as Record<string, unknown> });
  const logger: Logger = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'), child: () => logger };
  return logger;
}

describe('runShutdownSteps', () => {
  it('runs every step after a failure, logs each failure with its step, and rethrows the first', async () => {
    const lines: { level: string; fields: Record<string, unknown> }[] = [];
    const ran: string[] = [];
    const first = new Error('loop did not stop');
    const steps = [
      ['loop', async () => (ran.push('loop'), Promise.reject(first))],
      ['client', async () => ran.push('client')],
      ['pool', async () => (ran.push('pool'), Promise.reject(new Error('pool')))],
    ] as const;
    await expect(runShutdownSteps(steps, recordingLogger(lines))).rejects.toBe(first);
    expect(ran).toEqual(['loop', 'client', 'pool']);
    expect(lines.filter((line) => line.level === 'error').map((line) => line.fields.step)).toEqual(['loop', 'pool']);
  });

  it('through the runner: a drain whose steps succeed exits 0, one whose step fails exits 1', async () => {
    const exitCodes: number[] = [];
    for (const failing of [false, true]) {
      const code = await new Promise<number>((done) => {
        const logger = recordingLogger([]);
        const runner = new ServiceRunner({ name: 'steps-test', logger, shutdownDeadlineMs: 2_000, ops: { port: 0, registry: new Registry() }, exit: done });
        const service = {
          start: async () => undefined,
          stop: () => runShutdownSteps([['client', async () => (failing ? Promise.reject(new Error('close failed')) : undefined)]], logger),
          health: () => ({ status: 'ok' as const }),
        };
        // A drain as on SIGTERM (emitted in-process: the runners' handlers are the listeners).
        void runner.run(service).then(() => process.emit('SIGTERM', 'SIGTERM'));
      });
      exitCodes.push(code);
    }
    expect(exitCodes).toEqual([0, 1]);
  });
});
