import { createServer, type IncomingMessage, type Server } from 'node:http';
import { nodeServerTimeouts } from '../../../shared/http/server-timeouts.js';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../../shared/log/logger.js';
import type { HealthReport } from '../../../shared/ops/health.js';
import type { RunnableService } from '../../../shared/ops/run-service.js';
import { runShutdownSteps } from '../../../shared/ops/shutdown-steps.js';
import type { DemoReceiverSettings } from './demo-receiver-settings.js';
import { verifySignature } from './verify-signature.js';

type Mode = 'ok' | 'fail' | 'hang';

/**
 * A customer's webhook receiver for the demo and the fault-injection suite: verifies signatures,
 * counts distinct messages (by webhook-id) and deliveries, and can be told to misbehave for a while
 * (`POST /control {"mode":"fail"|"hang"|"ok","forMs":...}`): 500s, or requests that never answer.
 * `GET /received` lists the distinct webhook-ids received.
 */
export class ReceiverService implements RunnableService {
  readonly #server: Server;
  readonly #received = new Set<string>();
  readonly #deliveries: Counter<'verified'>;
  readonly #distinct: Gauge;
  #mode: Mode = 'ok';
  #modeUntil = 0;
  #stopping: Promise<void> | undefined;

  constructor(
    private readonly settings: DemoReceiverSettings,
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.#deliveries = new Counter({ name: 'demo_receiver_deliveries_total', help: 'Deliveries received, by signature check', labelNames: ['verified'], registers: [registry] });
    this.#distinct = new Gauge({ name: 'demo_receiver_distinct_messages', help: 'Distinct webhook-ids received', registers: [registry] });
    this.#server = createServer(nodeServerTimeouts(this.settings), (request, response) => {
      void this.#handle(request).then(
        ({ status, body }) => response.writeHead(status, { 'content-type': 'application/json' }).end(body),
        () => response.destroy(),
      );
    });
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  async start(): Promise<void> {
    // A listen error (port taken) is an 'error' event, not a callback argument: without this the
    // start never settled and the event crashed the process past the runner.
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.settings.RECEIVER_PORT, this.settings.RECEIVER_HOST, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.logger.info({ port: this.port }, 'receiver listening');
  }

  /** A demo endpoint has nothing to drain: connections are cut (a hanging request would hold the stop). Safe to call twice. */
  stop(): Promise<void> {
    this.#stopping ??= runShutdownSteps([['HTTP server', () => this.#closeServer()]], this.logger);
    return this.#stopping;
  }

  #closeServer(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise<void>((resolve, reject) =>
      this.#server.close((error) => {
        // Never listening (start failed, e.g. the port was taken) is nothing to close, not a failure.
        if (error === undefined || (error as NodeJS.ErrnoException).code === 'ERR_SERVER_NOT_RUNNING') resolve();
        else reject(error);
      }),
    );
  }

  health(): Omit<HealthReport, 'state'> {
    return { status: 'ok', checks: { mode: this.#currentMode(), distinct: this.#received.size } };
  }

  async #handle(request: IncomingMessage): Promise<{ status: number; body: string }> {
    const body = await readBody(request);
    if (request.method === 'POST' && request.url === '/control') {
      const { mode, forMs } = JSON.parse(body || '{}') as { mode?: Mode; forMs?: number };
      this.#mode = mode ?? 'ok';
      this.#modeUntil = Date.now() + (forMs ?? 60_000);
      this.logger.info({ mode: this.#mode, forMs }, 'receiver mode changed');
      return { status: 200, body: JSON.stringify({ mode: this.#mode }) };
    }
    if (request.method === 'GET' && request.url === '/received') return { status: 200, body: JSON.stringify([...this.#received]) };
    if (request.method !== 'POST') return { status: 404, body: '{}' };

    const mode = this.#currentMode();
    if (mode === 'hang') return new Promise(() => {}); // never answers: the dispatcher's timeout must fire
    if (mode === 'fail') return { status: 500, body: '{"error":"failing on purpose"}' };
    const header = (name: string) => (typeof request.headers[name] === 'string' ? (request.headers[name] as string) : undefined);
    const verdict = verifySignature(
      this.settings.RECEIVER_SECRETS,
      { id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature') },
      body,
      this.settings.RECEIVER_TOLERANCE_SECONDS,
    );
    this.#deliveries.inc({ verified: verdict });
    if (verdict !== 'ok') return { status: 401, body: JSON.stringify({ error: verdict }) };
    this.#received.add(header('webhook-id') ?? '');
    this.#distinct.set(this.#received.size);
    return { status: 204, body: '' };
  }

  #currentMode(): Mode {
    if (this.#mode !== 'ok' && Date.now() > this.#modeUntil) this.#mode = 'ok';
    return this.#mode;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
