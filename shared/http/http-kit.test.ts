import { connect } from 'node:net';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/validation-error.js';
import { silentLogger } from '../log/logger.js';
import { startOpsServer } from '../ops/ops-server.js';
import { httpErrorHandler, notFoundHandler } from './error-handler.js';
import { HttpProblem } from './http-problem.js';
import { RateLimitedError } from './rate-limited-error.js';
import { registerRequestMetrics } from './request-metrics.js';
import { fastifyTimeouts } from './server-timeouts.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Resolves with how long the server took to close a connection that sent only `text` (undefined: not within waitMs). */
function closedAfter(port: number, text: string, waitMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    // Read what comes (a 408), or the server's FIN is never seen and 'close' never fires.
    socket.resume();
    socket.on('close', () => resolve(Date.now() - started));
    socket.write(text);
    setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, waitMs).unref();
  });
}

describe('shared/http', () => {
  it('answers validation, problems, rate limits, body errors and the unexpected with one body', async () => {
    const registry = new Registry();
    const app = Fastify({ logger: false, bodyLimit: 100 });
    registerRequestMetrics(app, registry, 'kit-test');
    app.setErrorHandler(httpErrorHandler(silentLogger));
    app.setNotFoundHandler(notFoundHandler);
    app.get('/invalid', async () => {
      throw new ValidationError([{ field: 'limit', expected: 'a number' }]);
    });
    app.get('/gone', async () => {
      throw new HttpProblem(409, 'ENDPOINT_DISABLED', 'enable it first', { field: 'id' });
    });
    app.get('/busy', async () => {
      throw new RateLimitedError('key', 7, 'slow down');
    });
    app.get('/bug', async () => {
      throw new Error('secret internals');
    });
    app.post('/body', async () => ({ ok: true }));
    closers.push(() => app.close());
    const answer = async (method: string, url: string, body?: string) => {
      const response = await app.inject({ method: method as 'GET', url, ...(body === undefined ? {} : { payload: body, headers: { 'content-type': 'application/json' } }) });
      return { status: response.statusCode, body: response.json(), headers: response.headers };
    };
    expect(await answer('GET', '/invalid')).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', field: 'limit', message: 'limit: a number', issues: [{ field: 'limit', expected: 'a number' }] } } });
    expect(await answer('GET', '/gone')).toMatchObject({ status: 409, body: { error: { code: 'ENDPOINT_DISABLED', field: 'id' } } });
    expect(await answer('GET', '/busy')).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } }, headers: { 'retry-after': '7' } });
    const bug = await answer('GET', '/bug');
    expect(bug).toMatchObject({ status: 500, body: { error: { code: 'INTERNAL' } } });
    expect(JSON.stringify(bug.body)).not.toContain('secret internals');
    expect(await answer('POST', '/body', JSON.stringify({ pad: 'x'.repeat(200) }))).toMatchObject({ status: 413, body: { error: { code: 'BODY_TOO_LARGE' } } });
    expect(await answer('POST', '/body', '{"x": ')).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST', field: '(body)' } } });
    expect(await answer('GET', '/nothing')).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    for (const [, { body }] of Object.entries({ a: await answer('GET', '/bug') })) expect(body.error.code).toMatch(/^[A-Z][A-Z_]*$/);
    expect(await registry.metrics()).toMatch(/kit_test_http_request_duration_seconds_count\{method="GET",route="\/gone",status="409"\} 1/);
  });

  it('closes connections whose headers never finish, on Fastify servers and on the ops server', async () => {
    const app = Fastify({ logger: false, ...fastifyTimeouts({ HTTP_REQUEST_TIMEOUT_MS: 1_500, HTTP_HEADERS_TIMEOUT_MS: 1_000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 500 }) });
    app.get('/', async () => 'ok');
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const port = (app.server.address() as { port: number }).port;
    const closed = await closedAfter(port, 'GET / HTTP/1.1\r\nHost: x\r\n', 5_000);
    expect(closed, 'Fastify server').toBeDefined();
    expect(closed!).toBeLessThan(2_500);

    const ops = await startOpsServer({ port: 0, registry: new Registry(), health: async () => ({ status: 'ok', state: 'RUNNING', checks: {} }), logger: silentLogger });
    closers.push(() => ops.close());
    const server = (ops as unknown as { port: number }).port;
    // The ops server keeps the defaults (10 s for headers): it must close well before Node's 60 s.
    const opsClosed = await closedAfter(server, 'GET /metrics HTTP/1.1\r\nHost: x\r\n', 14_000);
    expect(opsClosed, 'ops server').toBeDefined();
    expect(opsClosed!).toBeLessThan(13_000);
  }, 30_000);
});
