import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testSettings } from '../support/settings.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CHILD = resolve(import.meta.dirname, 'support', 'idle-kafka-client.mjs');

/** Runs the idle client in its own Node (warnings are printed once per process). */
function runIdleClient(mode: 'patched' | 'bare'): { stderr: string; idleArmed: number } {
  const result = spawnSync(process.execPath, [CHILD, mode, testSettings.AUTHLOG_KAFKA_BROKERS.join(','), ROOT], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  expect(result.status, result.stderr).toBe(0);
  const last = result.stdout.trim().split('\n').at(-1) ?? '{}';
  return { stderr: result.stderr, ...(JSON.parse(last) as { idleArmed: number }) };
}

// kafkajs issue 1751: on Node 24 its request queue arms a negative timer on every connection.
describe('kafkajs request-queue timer (issue 1751)', () => {
  it('a bare kafkajs 2.2.4 client prints TimeoutNegativeWarning and re-arms its timer every millisecond when idle', () => {
    const bare = runIdleClient('bare');
    expect(bare.stderr).toContain('TimeoutNegativeWarning');
    expect(bare.idleArmed).toBeGreaterThan(100);
  });

  it('a client from createKafka prints no TimeoutNegativeWarning, arms no idle timer, and other warnings still print', () => {
    const patched = runIdleClient('patched');
    expect(patched.stderr).not.toContain('TimeoutNegativeWarning');
    expect(patched.stderr).toContain('ProbeWarning: still printed');
    expect(patched.idleArmed).toBe(0);
  });
});
