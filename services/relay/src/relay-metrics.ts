import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What went wrong, as the `kind` label of relay_errors_total. */
export type RelayErrorKind =
  | 'kafka_publish'
  | 'mysql_read'
  | 'mysql_settle'
  | 'lease'
  | 'lease_lost'
  | 'missing_payload'
  | 'stats'
  | 'cleanup';

/** The relay's Prometheus series (services/relay/README.md explains each). */
export class RelayMetrics {
  readonly published: Counter;
  readonly batches: Counter;
  readonly errors: Counter<'kind'>;
  readonly batchSeconds: Histogram;
  readonly publishSeconds: Histogram;
  readonly lagSeconds: Histogram;
  readonly backlogRows: Gauge;
  readonly oldestAgeSeconds: Gauge;
  readonly ownedShards: Gauge;
  readonly role: Gauge<'role'>;
  readonly liveInstances: Gauge;
  readonly leaseChanges: Counter<'change'>;
  readonly cleanedRows: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.published = new Counter({ name: 'relay_published_events_total', help: 'Outbox rows acknowledged by Kafka (rate() = publish rate)', registers });
    this.batches = new Counter({ name: 'relay_batches_total', help: 'Batches published and settled', registers });
    this.errors = new Counter({ name: 'relay_errors_total', help: 'Failures by kind; each is retried or handled as documented', labelNames: ['kind'], registers });
    this.batchSeconds = new Histogram({
      name: 'relay_batch_duration_seconds',
      help: 'One batch from read to settled (published and deleted or marked)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.publishSeconds = new Histogram({
      name: 'relay_publish_duration_seconds',
      help: 'Kafka send of one batch until acknowledged (acks=all)',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.lagSeconds = new Histogram({
      name: 'relay_event_lag_seconds',
      help: 'From outbox insert (database clock) to Kafka acknowledgement (relay clock)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.backlogRows = new Gauge({ name: 'relay_backlog_rows', help: 'Unpublished outbox rows in the shards this instance owns', registers });
    this.oldestAgeSeconds = new Gauge({
      name: 'relay_oldest_unpublished_age_seconds',
      help: 'Age of the oldest unpublished row in the shards this instance owns (0 when none)',
      registers,
    });
    this.ownedShards = new Gauge({ name: 'relay_owned_shards', help: 'Shards whose lease this instance holds', registers });
    this.role = new Gauge({ name: 'relay_role', help: '1 for the current role: active (owns shards) or standby (owns none)', labelNames: ['role'], registers });
    this.liveInstances = new Gauge({ name: 'relay_live_instances', help: 'Relay instances with a live heartbeat, as this instance last saw', registers });
    this.leaseChanges = new Counter({ name: 'relay_lease_changes_total', help: 'Shard leases acquired, released or lost', labelNames: ['change'], registers });
    this.cleanedRows = new Counter({ name: 'relay_cleaned_rows_total', help: 'Published rows deleted by the retention cleaner', registers });
    for (const kind of ['kafka_publish', 'mysql_read', 'mysql_settle', 'lease', 'lease_lost', 'missing_payload', 'stats', 'cleanup'] satisfies RelayErrorKind[]) {
      this.errors.inc({ kind }, 0);
    }
    this.role.set({ role: 'active' }, 0);
    this.role.set({ role: 'standby' }, 1);
  }

  setOwned(count: number): void {
    this.ownedShards.set(count);
    this.role.set({ role: 'active' }, count > 0 ? 1 : 0);
    this.role.set({ role: 'standby' }, count > 0 ? 0 : 1);
  }
}
