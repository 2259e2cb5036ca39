import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../shared/db/create-database.js';
import type { AuthlogDatabase } from '../../shared/db/database.js';
import { mysqlConnection } from '../../shared/db/mysql-connection.js';
import { silentLogger } from '../../shared/log/logger.js';
import { createMetricsRegistry } from '../../shared/ops/metrics.js';
import { AuthDemoMetrics } from '../../services/auth-demo/src/auth-demo-metrics.js';
import { AuthDemoService } from '../../services/auth-demo/src/auth-demo-service.js';
import { loadAuthDemoSettings } from '../../services/auth-demo/src/auth-demo-settings.js';
import { freePort } from '../support/free-port.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let database: TestDatabase;
let service: AuthDemoService;
let base: string;
let registry: ReturnType<typeof createMetricsRegistry>;

beforeAll(async () => {
  database = await createTestDatabase();
  const settings = loadAuthDemoSettings({ AUTHLOG_MYSQL_URL: database.url, AUTH_DEMO_PORT: '0', AUTH_DEMO_MYSQL_CONNECTIONS: '4' });
  registry = createMetricsRegistry('auth-demo', { processMetrics: false });
  // Its own pool, as main builds it: the service's stop() destroys it, database.drop() needs its own.
  const { db } = createDatabase<AuthlogDatabase>({ connection: mysqlConnection(settings), connectionLimit: settings.AUTH_DEMO_MYSQL_CONNECTIONS });
  service = new AuthDemoService({ settings, db, logger: silentLogger, metrics: new AuthDemoMetrics(registry), registry });
  await service.start();
  base = `http://127.0.0.1:${service.port}`;
});
afterAll(async () => {
  await service.stop();
  await database.drop();
});

const login = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/v1/logins`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const valid = (txid?: string) => ({
  account_id: 'acct_demo',
  ...(txid === undefined ? {} : { txid }),
  user: { key: 'DU1', name: 'ada@example.com' },
  application: { key: 'DI1', name: 'VPN' },
  access_device: { ip: '203.0.113.5', os: 'Mac OS X', browser: 'Chrome', browser_version: '131.0' },
});

async function rowsFor(txid: string) {
  const authlog = await database.db.selectFrom('authlog').select(['id', 'payload']).where('txid', '=', txid).execute();
  const outbox = await database.db.selectFrom('outbox').select(['id', 'traceparent']).where('authlog_id', 'in', authlog.length ? authlog.map((row) => row.id) : [0]).execute();
  return { authlog, outbox };
}

describe('demo auth service', () => {
  it('answers a login only once its record and outbox row are committed', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await login(valid(), { traceparent });
    expect(response.status).toBe(201);
    const answer = (await response.json()) as { txid: string; result: string; reason: string; recorded: string };
    expect(answer.recorded).toBe('recorded');
    expect(['success', 'denied', 'fraud']).toContain(answer.result);
    const rows = await rowsFor(answer.txid);
    expect(rows.authlog).toHaveLength(1);
    expect(rows.outbox).toEqual([expect.objectContaining({ traceparent })]);
    expect(JSON.parse(rows.authlog[0]!.payload)).toMatchObject({ account_id: 'acct_demo', result: answer.result, reason: answer.reason });

    const readBack = await fetch(`${base}/v1/logins/${answer.txid}?account_id=acct_demo`);
    expect(readBack.status).toBe(200);
    expect(((await readBack.json()) as { txid: string }).txid).toBe(answer.txid);
    expect((await fetch(`${base}/v1/logins/${answer.txid}?account_id=acct_other`)).status).toBe(404);
  });

  it('treats a retry with the same txid as the same login', async () => {
    const first = await login(valid('retry-1'));
    const second = await login(valid('retry-1'));
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(((await second.json()) as { recorded: string }).recorded).toBe('duplicate');
    expect((await rowsFor('retry-1')).outbox).toHaveLength(1);
  });

  it('answers 400 naming the field for a bad request, and records nothing', async () => {
    const response = await login({ ...valid('bad-1'), user: { key: 'has space', name: 'x' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'user.key' } });
    const badIp = await login({ ...valid('bad-2'), access_device: { ip: 'not-an-ip' } });
    expect(badIp.status).toBe(400);
    expect(await badIp.json()).toMatchObject({ error: { field: 'access_device.ip' } });
    expect((await rowsFor('bad-1')).authlog).toHaveLength(0);
    expect((await rowsFor('bad-2')).authlog).toHaveLength(0);
  });

  it('answers every error with the shared body (docs/http-errors.md), unknown routes included', async () => {
    const missing = await fetch(`${base}/v1/logins/tx-1`);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'account_id' } });
    const unknown = await fetch(`${base}/v1/logins/tx-none?account_id=acct_demo`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const route = await fetch(`${base}/v2/nothing`);
    expect(route.status).toBe(404);
    expect(await route.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const broken = await fetch(`${base}/v1/logins`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"account_id": ' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { code: 'BAD_REQUEST', field: '(body)' } });
  });

  it('a login aborted after recording (its transaction rolled back) leaves no record and no outbox row', async () => {
    const response = await login({ ...valid('aborted-1'), simulate: 'rollback' });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'LOGIN_ABORTED', retryable: true } });
    expect(await rowsFor('aborted-1')).toEqual({ authlog: [], outbox: [] });
  });
});

describe('demo auth service group commit', () => {
  it('shows in /metrics how many records each group commit wrote', async () => {
    const committed = async (series: 'count' | 'sum') => {
      const match = new RegExp(`auth_demo_record_batch_size_${series}\\{service="auth-demo",outcome="committed"\\} (\\d+)`).exec(await registry.metrics());
      return Number(match?.[1] ?? 0);
    };
    const [countBefore, sumBefore] = [await committed('count'), await committed('sum')];
    const responses = await Promise.all(Array.from({ length: 64 }, () => login(valid())));
    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 201));
    // Every login is in some commit, and 64 concurrent logins needed fewer commits than that.
    expect((await committed('sum')) - sumBefore).toBe(64);
    expect((await committed('count')) - countBefore).toBeLessThan(64);
  });
});

describe('demo auth service process', () => {
  it('serves /healthz and /metrics, and drains and exits 0 on SIGTERM', async () => {
    const [port, opsPort] = [await freePort(), await freePort()];
    const main = resolve(import.meta.dirname, '..', '..', 'dist', 'services', 'auth-demo', 'src', 'main.js');
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, AUTHLOG_MYSQL_URL: database.url, AUTH_DEMO_PORT: String(port), OPS_PORT: String(opsPort), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((done) => child.once('exit', done));
    try {
      let health: Response | undefined;
      for (let attempt = 0; attempt < 100 && health?.status !== 200; attempt += 1) {
        health = await fetch(`http://127.0.0.1:${opsPort}/healthz`).catch(() => undefined);
        if (health?.status !== 200) await new Promise((done) => setTimeout(done, 100));
      }
      expect(await health?.json()).toMatchObject({ status: 'ok', state: 'RUNNING' });
      const recorded = await fetch(`http://127.0.0.1:${port}/v1/logins`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(valid()) });
      expect(recorded.status).toBe(201);
      const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
      expect(metrics).toMatch(/auth_demo_logins_total\{outcome="recorded",result="\w+",service="auth-demo"\} 1/);
      expect(metrics).toMatch(/auth_demo_record_batch_size_count\{service="auth-demo",outcome="committed"\} 1/);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses to start with a bad setting, naming the variable', async () => {
    const main = resolve(import.meta.dirname, '..', '..', 'dist', 'services', 'auth-demo', 'src', 'main.js');
    const child = spawn(process.execPath, [main], { env: { ...process.env, AUTH_DEMO_PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code).not.toBe(0);
    expect(stderr).toContain('AUTH_DEMO_PORT');
  });
});
