import { createServer, Socket, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of a real service, so a test can take the service "down" for one client
 * without stopping it for every other test that shares it: `cut()` resets every open connection
 * and refuses new ones (as a crashed or unreachable server does); `restore()` lets traffic through
 * again. Works for MySQL, Elasticsearch, Redis, HTTP; not for Kafka, whose clients learn broker
 * addresses from metadata and bypass a proxy (use startPrivateKafka for that).
 */
export class TcpProxy {
  #server: Server | undefined;
  #port = 0;
  #sockets = new Set<Socket>();
  #cut = false;

  private constructor(
    readonly targetHost: string,
    readonly targetPort: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target.host, target.port);
    await proxy.#listen(0);
    return proxy;
  }

  /** Stays the same across cut() and restore(), so clients keep their settings. */
  get port(): number {
    return this.#port;
  }

  get isCut(): boolean {
    return this.#cut;
  }

  /** The service becomes unreachable: open connections are reset, new ones refused. */
  async cut(): Promise<void> {
    this.#cut = true;
    for (const socket of this.#sockets) socket.resetAndDestroy();
    this.#sockets.clear();
    // Closing the listener makes new connections fail with ECONNREFUSED, like a stopped server.
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  async restore(): Promise<void> {
    if (!this.#cut) return;
    this.#cut = false;
    await this.#listen(this.#port);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    if (!this.#cut) await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
    this.#cut = true;
  }

  async #listen(port: number): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      this.#sockets.add(client).add(upstream);
      const forget = () => {
        this.#sockets.delete(client);
        this.#sockets.delete(upstream);
      };
      client.on('close', () => (upstream.destroy(), forget()));
      upstream.on('close', () => (client.destroy(), forget()));
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      // No Nagle on either side, as on a real path to MySQL (server and mysql2 set TCP_NODELAY): a
      // reply in two writes (a multi-statement or CALL answers one OK per statement) would otherwise
      // wait for the client's delayed ACK of the first, ~40 ms, inside the proxy only.
      client.setNoDelay(true);
      upstream.setNoDelay(true);
      upstream.connect(this.targetPort, this.targetHost, () => {
        client.pipe(upstream);
        upstream.pipe(client);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
  }
}
