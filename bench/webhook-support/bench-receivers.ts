import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local webhook receivers for the benchmarks: answer 204 at once and count. Each distinct
 * (server, path, webhook-id) is one delivery; a repeat is a duplicate (at-least-once is allowed, but counted).
 */
export class BenchReceivers {
  readonly #servers: Server[] = [];
  readonly #seen = new Set<string>();
  /** Arrival times (performance.now()) of first deliveries, in order. */
  readonly arrivals: number[] = [];
  duplicates = 0;
  /** Called on each first delivery with its webhook-id. */
  onDelivery: ((webhookId: string, at: number) => void) | undefined;

  static async start(count: number): Promise<BenchReceivers> {
    const receivers = new BenchReceivers();
    for (let index = 0; index < count; index += 1) {
      const server = createServer((request, response) => {
        const serverIndex = index;
        request.resume();
        request.on('end', () => {
          const at = performance.now();
          const id = String(request.headers['webhook-id']);
          const key = `${serverIndex}${request.url}|${id}`;
          if (receivers.#seen.has(key)) receivers.duplicates += 1;
          else {
            receivers.#seen.add(key);
            receivers.arrivals.push(at);
            receivers.onDelivery?.(id, at);
          }
          response.writeHead(204).end();
        });
      });
      server.keepAliveTimeout = 30_000;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      receivers.#servers.push(server);
    }
    return receivers;
  }

  get ports(): number[] {
    return this.#servers.map((server) => (server.address() as AddressInfo).port);
  }

  get delivered(): number {
    return this.arrivals.length;
  }

  /** Forgets what was counted, for the next phase. */
  reset(): void {
    this.#seen.clear();
    this.arrivals.length = 0;
    this.duplicates = 0;
  }

  /** Waits until `count` deliveries arrived; false after `timeoutMs`, or after 60 s without any progress. */
  async waitFor(count: number, timeoutMs: number, log: (message: string) => void): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let lastLog = Date.now();
    let progress = { delivered: this.delivered, at: Date.now() };
    while (this.delivered < count) {
      if (this.delivered !== progress.delivered) progress = { delivered: this.delivered, at: Date.now() };
      if (Date.now() > deadline || Date.now() - progress.at > 60_000) return false;
      if (Date.now() - lastLog > 5_000) {
        log(`  ${this.delivered} / ${count} delivered`);
        lastLog = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return true;
  }

  async close(): Promise<void> {
    for (const server of this.#servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

/** Deliveries per second between the first and the last arrival, and the median of full 1-second windows. */
export function throughputOf(arrivals: readonly number[]): { perSecond: number; medianWindowPerSecond: number; seconds: number } {
  if (arrivals.length < 2) return { perSecond: 0, medianWindowPerSecond: 0, seconds: 0 };
  const first = arrivals[0]!;
  const last = arrivals[arrivals.length - 1]!;
  const seconds = (last - first) / 1000;
  const windows = new Map<number, number>();
  for (const at of arrivals) windows.set(Math.floor((at - first) / 1000), (windows.get(Math.floor((at - first) / 1000)) ?? 0) + 1);
  // The last window is partial; the first is full by construction.
  const full = [...windows.entries()].filter(([second]) => second < Math.floor(seconds)).map(([, count]) => count).sort((a, b) => a - b);
  const median = full.length === 0 ? arrivals.length / Math.max(seconds, 0.001) : full[Math.floor(full.length / 2)]!;
  return { perSecond: arrivals.length / Math.max(seconds, 0.001), medianWindowPerSecond: median, seconds };
}
