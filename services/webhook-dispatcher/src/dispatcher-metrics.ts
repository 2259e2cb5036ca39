import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Sources the gauges read when Prometheus scrapes. */
export interface GaugeSources {
  jobCounts(): Promise<Record<string, number>>;
  disabledEndpoints(): Promise<number>;
}

/**
 * The dispatcher's series. Deliveries per second by outcome is `rate(webhook_attempts_total[1m])`;
 * queue depth and disabled endpoints are read at scrape time.
 */
export class DispatcherMetrics {
  readonly attempts: Counter<'outcome' | 'error_code'>;
  readonly attemptSeconds: Histogram<'outcome'>;
  readonly eventToDeliverySeconds: Histogram;
  readonly eventsConsumed: Counter;
  readonly jobsEnqueued: Counter;
  readonly deadLettered: Counter<'reason'>;
  readonly deferred: Counter;
  readonly messagesFailed: Counter<'reason'>;
  readonly endpointsDisabled: Counter<'reason'>;

  constructor(registry: Registry, sources: GaugeSources) {
    const registers = [registry];
    this.attempts = new Counter({
      name: 'webhook_attempts_total',
      help: 'Delivery attempts by outcome (success: 2xx) and error code',
      labelNames: ['outcome', 'error_code'],
      registers,
    });
    this.attemptSeconds = new Histogram({
      name: 'webhook_attempt_duration_seconds',
      help: 'Duration of one delivery attempt, connect to response excerpt',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers,
    });
    this.eventToDeliverySeconds = new Histogram({
      name: 'webhook_event_to_delivery_seconds',
      help: 'From the event reaching Kafka to its successful delivery (retries included)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
      registers,
    });
    this.eventsConsumed = new Counter({ name: 'webhook_fanout_events_total', help: 'Events read from Kafka by the fan-out', registers });
    this.jobsEnqueued = new Counter({ name: 'webhook_fanout_jobs_total', help: 'Delivery jobs handed to BullMQ (duplicates ignored by BullMQ included)', registers });
    this.deadLettered = new Counter({ name: 'webhook_fanout_dead_letters_total', help: 'Events sent to the dead-letter topic, by reason', labelNames: ['reason'], registers });
    this.deferred = new Counter({
      name: 'webhook_deferred_total',
      help: 'Jobs parked in the delayed set because their endpoint was at its concurrency or rate limit, or paused',
      registers,
    });
    this.messagesFailed = new Counter({
      name: 'webhook_messages_failed_total',
      help: 'Messages recorded as failed (recoverable through the API)',
      labelNames: ['reason'],
      registers,
    });
    this.endpointsDisabled = new Counter({ name: 'webhook_endpoints_disabled_total', help: 'Endpoints disabled by the dispatcher', labelNames: ['reason'], registers });
    new Gauge({
      name: 'webhook_queue_jobs',
      help: 'Delivery jobs in the queue by state',
      labelNames: ['state'],
      registers,
      async collect() {
        for (const [state, count] of Object.entries(await sources.jobCounts())) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'webhook_endpoints_disabled',
      help: 'Endpoints currently disabled (all accounts)',
      registers,
      async collect() {
        this.set(await sources.disabledEndpoints());
      },
    });
  }
}
