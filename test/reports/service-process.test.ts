import { ALL_SCOPES } from '../../shared/auth/scopes.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../../shared/auth/api-key-store.js';
import { freePort } from '../support/free-port.js';
import { testSettings } from '../support/settings.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { uniqueName } from '../support/unique-name.js';

const MAIN = resolve(import.meta.dirname, '..', '..', 'dist', 'services', 'reports', 'src', 'main.js');

/** The compiled service as operators run it: config from env, ops endpoints, outage answers, SIGTERM. */
let database: TestDatabase;
let proxy: TcpProxy;
let token: string;

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first`);
  database = await createTestDatabase();
  token = (await new ApiKeyStore(database.db).create('acct_proc', 'process test', ALL_SCOPES)).token;
  const es = new URL(testSettings.AUTHLOG_ES_URL);
  proxy = await TcpProxy.start({ host: es.hostname, port: Number(es.port) });
});
afterAll(async () => {
  await proxy?.close();
  await database?.drop();
});

async function startService(env: Record<string, string>) {
  const [port, opsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      AUTHLOG_MYSQL_URL: database.url,
      AUTHLOG_ES_URL: `http://127.0.0.1:${proxy.port}`,
      AUTHLOG_REDIS_URL: testSettings.AUTHLOG_REDIS_URL,
      REPORTS_REDIS_PREFIX: uniqueName('rep-proc'),
      REPORTS_PORT: String(port),
      OPS_PORT: String(opsPort),
      REPORTS_INDEX_PREFIX: uniqueName('rep').toLowerCase(),
      REPORTS_ES_TIMEOUT_MS: '3000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, port, opsPort, exited, output: () => output };
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) throw new Error('service exited while starting');
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  throw new Error(`${url} never answered`);
}

describe('reports service process', () => {
  it('serves the API and ops endpoints, answers 503 while Elasticsearch is unreachable, and drains on SIGTERM', async () => {
    const service = await startService({ LOG_LEVEL: 'warn' });
    try {
      await waitFor(`http://127.0.0.1:${service.port}/panel/`, service.child);
      const api = (path: string) => fetch(`http://127.0.0.1:${service.port}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const empty = await api('/v1/reports/volume');
      expect(empty.status).toBe(200); // no index yet: no events, not an error
      expect(((await empty.json()) as { total: { total: number } }).total.total).toBe(0);
      expect((await fetch(`http://127.0.0.1:${service.opsPort}/healthz`)).status).toBe(200);
      const metrics = await (await fetch(`http://127.0.0.1:${service.opsPort}/metrics`)).text();
      expect(metrics).toMatch(/reports_http_request_duration_seconds_count\{[^}]*route="\/v1\/reports\/volume"[^}]*status="200"[^}]*\} 1/);

      await proxy.cut();
      const down = await api('/v1/logs');
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('5');
      expect(((await down.json()) as { error: { code: string } }).error.code).toBe('SEARCH_UNAVAILABLE');
      const health = await fetch(`http://127.0.0.1:${service.opsPort}/healthz`);
      expect(health.status).toBe(503);
      await proxy.restore();
      expect((await api('/v1/logs')).status).toBe(200);

      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    } finally {
      await proxy.restore();
      service.child.kill('SIGKILL');
    }
  });

  it('refuses to start with a bad setting, naming the variable', async () => {
    const service = await startService({ REPORTS_MAX_RANGE_DAYS: 'lots' });
    expect(await service.exited).not.toBe(0);
    expect(service.output()).toContain('REPORTS_MAX_RANGE_DAYS');
  });
});
