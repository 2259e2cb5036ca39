import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

/** What the receiver answers to its n-th request (1-based); `hang` never answers. */
export type Behaviour = (
  request: ReceivedRequest,
  n: number,
) => { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | 'hang';

export const ok: Behaviour = () => ({ status: 200, body: 'ok' });

/** A local webhook receiver that records every request and answers as the test says. */
export class Receiver {
  readonly received: ReceivedRequest[] = [];
  connections = 0;
  /** Requests being answered (or hanging) right now, and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;
  readonly #sockets = new Set<Socket>();
  #waiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly host: string,
    public behaviour: Behaviour,
  ) {}

  static async start(behaviour: Behaviour = ok, host = '127.0.0.1', port = 0): Promise<Receiver> {
    let receiver: Receiver | undefined;
    const server = createServer((request, response) => {
      receiver!.inFlight += 1;
      receiver!.maxInFlight = Math.max(receiver!.maxInFlight, receiver!.inFlight);
      response.once('close', () => (receiver!.inFlight -= 1));
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        receiver!.received.push(received);
        const answer = receiver!.behaviour(received, receiver!.received.length);
        for (const wake of receiver!.#waiters.splice(0)) wake();
        if (answer === 'hang') return;
        const send = () => response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? '');
        if (answer.delayMs === undefined) send();
        else setTimeout(send, answer.delayMs);
      });
    });
    server.keepAliveTimeout = 5_000;
    server.on('connection', (socket: Socket) => {
      receiver!.connections += 1;
      receiver!.#sockets.add(socket);
      socket.on('close', () => receiver!.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    receiver = new Receiver(server, host, behaviour);
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}${path}`;
  }

  /** Resolves once `count` requests have arrived; rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 20_000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`receiver got ${this.received.length} of ${count} requests within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.#waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
    return this.received;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
