import type { AddressInfo } from 'node:net';
import { sql, type Kysely } from 'kysely';
import { fastify, type FastifyInstance } from 'fastify';
import { AuthlogError } from '../../../shared/errors/authlog-error.js';
import { ValidationError } from '../../../shared/errors/validation-error.js';
import type { ConnectionProbe } from '../../../shared/connections/connection-probe.js';
import type { AuthlogDatabase } from '../../../shared/db/database.js';
import type { Logger } from '../../../shared/log/logger.js';
import type { HealthReport } from '../../../shared/ops/health.js';
import type { RunnableService } from '../../../shared/ops/run-service.js';
import { runShutdownSteps } from '../../../shared/ops/shutdown-steps.js';
import { OutboxWriter } from '../../../shared/outbox/outbox-writer.js';
import { SeededRandom } from '../../../shared/simulation/random.js';
import type { AuthDemoMetrics } from './auth-demo-metrics.js';
import type { AuthDemoSettings } from './auth-demo-settings.js';
import { authDemoProblem } from './http-errors.js';
import { httpErrorHandler, notFoundHandler } from '../../../shared/http/error-handler.js';
import { HttpProblem } from '../../../shared/http/http-problem.js';
import { registerRequestMetrics } from '../../../shared/http/request-metrics.js';
import { fastifyTimeouts } from '../../../shared/http/server-timeouts.js';
import type { Registry } from 'prom-client';
import { handleLogin } from './login-handler.js';
import { loginRequestSchema } from './login-request.js';

/**
 * POST /v1/logins: simulate an authentication decision, record it with the outbox writer, answer
 * once it is committed. GET /v1/logins/:txid reads a recorded login back. Stopping closes the
 * listener first and lets in-flight logins finish, so no login is answered without its record.
 */
export class AuthDemoService implements RunnableService {
  readonly #settings: AuthDemoSettings;
  readonly #logger: Logger;
  readonly #metrics: AuthDemoMetrics;
  readonly #db: Kysely<AuthlogDatabase>;
  readonly #app: FastifyInstance;
  readonly #probes: readonly ConnectionProbe[];
  #lastDatabaseError: string | undefined;
  #stopping: Promise<void> | undefined;

  /** `db` is built by main (like every service's clients) and destroyed by stop(); `probes` are its connection probes. */
  constructor(options: {
    settings: AuthDemoSettings;
    db: Kysely<AuthlogDatabase>;
    probes?: readonly ConnectionProbe[];
    logger: Logger;
    metrics: AuthDemoMetrics;
    registry: Registry;
  }) {
    this.#settings = options.settings;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#db = options.db;
    this.#probes = options.probes ?? [];
    this.#app = this.#buildApp(options.registry);
  }

  /** The bound port (useful when AUTH_DEMO_PORT is 0). */
  get port(): number {
    return (this.#app.server.address() as AddressInfo).port;
  }

  connectionProbes(): readonly ConnectionProbe[] {
    return this.#probes;
  }

  async start(): Promise<void> {
    await this.#app.listen({ port: this.#settings.AUTH_DEMO_PORT, host: this.#settings.AUTH_DEMO_HOST });
    this.#logger.info({ port: this.port }, 'auth-demo listening');
  }

  /** Closes the listener and lets in-flight logins finish, then the pool; safe to call twice. */
  stop(): Promise<void> {
    this.#stopping ??= runShutdownSteps(
      [
        ['HTTP server', () => this.#app.close()],
        ['MySQL', () => this.#db.destroy()],
      ],
      this.#logger,
    );
    return this.#stopping;
  }

  async health(): Promise<Omit<HealthReport, 'state'>> {
    try {
      await sql`SELECT 1`.execute(this.#db);
      this.#lastDatabaseError = undefined;
      return { status: 'ok', checks: { mysql: 'ok' } };
    } catch (error) {
      this.#lastDatabaseError = error instanceof Error ? error.message : String(error);
      return { status: 'failing', checks: { mysql: this.#lastDatabaseError } };
    }
  }

  #buildApp(registry: Registry): FastifyInstance {
    const app = fastify({ logger: false, bodyLimit: 64 * 1024, ...fastifyTimeouts(this.#settings) });
    registerRequestMetrics(app, registry, 'auth_demo');
    app.setErrorHandler(httpErrorHandler(this.#logger, authDemoProblem));
    app.setNotFoundHandler(notFoundHandler);
    const writer = new OutboxWriter(this.#db, { onFlush: this.#metrics.observeFlush });
    const random = new SeededRandom(Date.now() ^ process.pid);
    const deps = { writer, db: this.#db, random, now: () => new Date() };

    app.post('/v1/logins', async (request, reply) => {
      const started = performance.now();
      const parsed = loginRequestSchema.safeParse(request.body);
      if (!parsed.success) {
        this.#metrics.logins.inc({ outcome: 'invalid', result: 'none' });
        throw parsed.error;
      }
      const traceparent = request.headers.traceparent;
      const tracestate = request.headers.tracestate;
      try {
        const answer = await handleLogin(parsed.data, deps, {
          ...(typeof traceparent === 'string' ? { traceparent } : {}),
          ...(typeof tracestate === 'string' ? { tracestate } : {}),
        });
        this.#metrics.recordSeconds.observe((performance.now() - started) / 1000);
        this.#metrics.logins.inc({ outcome: answer.recorded, result: answer.result });
        return reply.code(answer.recorded === 'recorded' ? 201 : 200).send(answer);
      } catch (error) {
        const outcome = error instanceof Error && 'code' in error && error.code === 'LOGIN_ABORTED' ? 'aborted' : 'error';
        this.#metrics.logins.inc({ outcome, result: 'none' });
        if (outcome === 'error') this.#logger.error({ err: error, account: parsed.data.account_id }, 'login not recorded');
        // Anything unexpected is still an outage to the caller, never a 500: retry with the same txid.
        throw error instanceof AuthlogError ? error : new HttpProblem(503, 'UNAVAILABLE', 'the login could not be recorded; retry with the same txid', { retryable: true, cause: error });
      }
    });

    app.get<{ Params: { txid: string }; Querystring: { account_id?: string } }>('/v1/logins/:txid', async (request, reply) => {
      // A demo read-back: scoped to the account named by the caller, like every read of the log.
      const accountId = request.query.account_id;
      if (accountId === undefined) throw new ValidationError([{ field: 'account_id', expected: 'the account the login belongs to (required)' }]);
      const row = await this.#db
        .selectFrom('authlog')
        .select(['payload'])
        .where('txid', '=', request.params.txid)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      if (row === undefined) throw new HttpProblem(404, 'NOT_FOUND', 'no such login for this account');
      return reply.type('application/json').send(row.payload);
    });
    return app;
  }
}
