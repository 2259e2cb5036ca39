import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * How an in-process first attempt ended: delivered (2xx), handed_off (to BullMQ, see
 * webhook_dispatcher_first_attempt_handoffs_total), failed_for_good (410, disabled, or no retries configured),
 * endpoint_disabled (recorded as failed without a request), already_settled / endpoint_deleted
 * (nothing sent); late_delivered / late_failed: a request that had been handed off at the deadline
 * and answered afterwards.
 */
export type FirstAttemptOutcome =
  | 'delivered'
  | 'handed_off'
  | 'failed_for_good'
  | 'endpoint_disabled'
  | 'already_settled'
  | 'endpoint_deleted'
  | 'late_delivered'
  | 'late_failed';

/** The uncommitted tail of one partition this process consumes. */
export interface TailReading {
  readonly partition: number;
  readonly messages: number;
  readonly ageMs: number;
}

/** Sources the gauges read when Prometheus scrapes. */
export interface GaugeSources {
  jobCounts(): Promise<Record<string, number>>;
  disabledEndpoints(): Promise<number>;
  tails(): readonly TailReading[];
}

/**
 * The dispatcher's series. Deliveries per second by outcome is `rate(webhook_dispatcher_attempts_total[1m])`;
 * queue depth and disabled endpoints are read at scrape time.
 */
export class DispatcherMetrics {
  readonly attempts: Counter<'outcome' | 'error_code'>;
  readonly attemptSeconds: Histogram<'outcome'>;
  readonly eventToDeliverySeconds: Histogram;
  readonly eventsConsumed: Counter;
  readonly deadLettered: Counter<'reason'>;
  readonly deferred: Counter;
  readonly messagesFailed: Counter<'reason'>;
  readonly endpointsDisabled: Counter<'reason'>;
  readonly firstAttempts: Counter<'outcome'>;
  readonly handOffs: Counter<'reason'>;
  readonly processOverloaded: Gauge;

  constructor(registry: Registry, sources: GaugeSources) {
    const registers = [registry];
    this.attempts = new Counter({
      name: 'webhook_dispatcher_attempts_total',
      help: 'Delivery attempts by outcome (success: 2xx) and error code',
      labelNames: ['outcome', 'error_code'],
      registers,
    });
    this.attemptSeconds = new Histogram({
      name: 'webhook_dispatcher_attempt_duration_seconds',
      help: 'Duration of one delivery attempt, connect to response excerpt',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers,
    });
    this.eventToDeliverySeconds = new Histogram({
      name: 'webhook_dispatcher_event_to_delivery_seconds',
      help: 'From the event reaching Kafka to its successful delivery (retries included)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
      registers,
    });
    this.eventsConsumed = new Counter({ name: 'webhook_dispatcher_fanout_events_total', help: 'Events read from Kafka by the fan-out', registers });
    this.deadLettered = new Counter({ name: 'webhook_dispatcher_fanout_dead_letters_total', help: 'Events sent to the dead-letter topic, by reason', labelNames: ['reason'], registers });
    this.deferred = new Counter({
      name: 'webhook_dispatcher_deferred_total',
      help: 'Jobs parked in the delayed set because their endpoint was at its concurrency or rate limit, or paused',
      registers,
    });
    this.messagesFailed = new Counter({
      name: 'webhook_dispatcher_messages_failed_total',
      help: 'Messages recorded as failed (recoverable through the API)',
      labelNames: ['reason'],
      registers,
    });
    this.endpointsDisabled = new Counter({ name: 'webhook_dispatcher_endpoints_disabled_total', help: 'Endpoints disabled by the dispatcher', labelNames: ['reason'], registers });
    this.firstAttempts = new Counter({
      name: 'webhook_dispatcher_first_attempts_total',
      help: 'Deliveries taken from Kafka by the partition owner, by how their in-process first attempt ended',
      labelNames: ['outcome'],
      registers,
    });
    this.handOffs = new Counter({
      name: 'webhook_dispatcher_first_attempt_handoffs_total',
      help: 'First-attempt deliveries handed to BullMQ, by reason: failed, deadline, queue_bound, paused, unlogged',
      labelNames: ['reason'],
      registers,
    });
    this.processOverloaded = new Gauge({
      name: 'webhook_dispatcher_process_overloaded',
      help: '1 while the event-loop delay says the process itself is slow: answering endpoints keep their first attempts in process instead of handing them to BullMQ',
      registers,
    });
    new Gauge({
      name: 'webhook_dispatcher_uncommitted_tail_messages',
      help: 'Messages read after the last committed offset, per partition: what a crash would read (and may send) again',
      labelNames: ['partition'],
      registers,
      collect() {
        this.reset();
        for (const tail of sources.tails()) this.set({ partition: String(tail.partition) }, tail.messages);
      },
    });
    new Gauge({
      name: 'webhook_dispatcher_uncommitted_tail_age_seconds',
      help: 'Age of the oldest message after the last committed offset, per partition',
      labelNames: ['partition'],
      registers,
      collect() {
        this.reset();
        for (const tail of sources.tails()) this.set({ partition: String(tail.partition) }, tail.ageMs / 1000);
      },
    });
    new Gauge({
      name: 'webhook_dispatcher_queue_jobs',
      help: 'Delivery jobs in the queue by state',
      labelNames: ['state'],
      registers,
      async collect() {
        for (const [state, count] of Object.entries(await sources.jobCounts())) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'webhook_dispatcher_endpoints_disabled',
      help: 'Endpoints currently disabled (all accounts)',
      registers,
      async collect() {
        this.set(await sources.disabledEndpoints());
      },
    });
  }
}
