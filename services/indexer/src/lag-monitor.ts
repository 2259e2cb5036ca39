import type { Admin } from 'kafkajs';
import type { Logger } from '../../../shared/log/logger.js';
import { sleep } from '../../../shared/util/sleep.js';
import type { IndexerMetrics } from './indexer-metrics.js';

/**
 * Every `intervalMs`, asks Kafka for the group's committed offsets and the topic's high watermarks
 * and publishes the difference per partition (what the group still has to index and commit), plus
 * the indexing rate over the interval. Failures are logged and the gauges keep their last value.
 */
export class LagMonitor {
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #lastIndexed = 0;
  #lastAt = performance.now();

  constructor(
    private readonly admin: Admin,
    private readonly settings: { readonly groupId: string; readonly topic: string; readonly intervalMs: number },
    private readonly metrics: IndexerMetrics,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  /** One measurement; exposed for tests and for a final figure at shutdown. */
  async measure(): Promise<Map<number, number>> {
    const { groupId, topic } = this.settings;
    const [watermarks, committed] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId, topics: [topic] })]);
    const committedBy = new Map((committed[0]?.partitions ?? []).map((entry) => [entry.partition, BigInt(entry.offset)]));
    const lag = new Map<number, number>();
    let total = 0;
    for (const mark of watermarks) {
      const high = BigInt(mark.high);
      const done = committedBy.get(mark.partition) ?? -1n;
      // -1: nothing committed yet, so everything still retained is to do.
      const value = Number(high - (done < 0n ? BigInt(mark.low) : done));
      lag.set(mark.partition, Math.max(0, value));
      total += Math.max(0, value);
      this.metrics.consumerLag.set({ topic, partition: String(mark.partition) }, Math.max(0, value));
    }
    this.metrics.consumerLagTotal.set({ topic }, total);
    return lag;
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        await this.measure();
      } catch (error) {
        this.logger.warn({ err: error }, 'could not measure consumer lag');
      }
      await this.#rate();
      await sleep(this.settings.intervalMs, signal);
    }
  }

  async #rate(): Promise<void> {
    const now = performance.now();
    const indexed = (await this.metrics.indexed.get()).values[0]?.value ?? 0;
    const seconds = (now - this.#lastAt) / 1000;
    if (seconds > 0) this.metrics.indexedPerSecond.set((indexed - this.#lastIndexed) / seconds);
    this.#lastIndexed = indexed;
    this.#lastAt = now;
  }
}
