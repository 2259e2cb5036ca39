import { Counter, Gauge, type Registry } from 'prom-client';

/** What the lifecycle jobs removed and how their runs went, per job. */
export class LifecycleMetrics {
  readonly runs: Counter<'job' | 'status'>;
  readonly removed: Counter<'job'>;
  readonly webhookRowsRemoved: Counter<'table'>;
  readonly lastSuccess: Gauge<'job'>;
  readonly topicRetentionDrift: Gauge<'topic'>;
  readonly authlogRowsDropped: Counter;

  constructor(registry: Registry) {
    this.runs = new Counter({ name: 'lifecycle_job_runs_total', help: 'Job runs by outcome (ok, not_configured, failed, skipped: another instance held the lock)', labelNames: ['job', 'status'], registers: [registry] });
    this.removed = new Counter({ name: 'lifecycle_removed_total', help: 'Items removed past retention (indices, rows, partitions)', labelNames: ['job'], registers: [registry] });
    this.webhookRowsRemoved = new Counter({ name: 'lifecycle_webhook_rows_pruned_total', help: 'Webhook attempt and message rows pruned past RETENTION_WEBHOOK_DAYS', labelNames: ['table'], registers: [registry] });
    this.lastSuccess = new Gauge({ name: 'lifecycle_job_last_success_timestamp_seconds', help: 'When the job last ran to the end on this instance', labelNames: ['job'], registers: [registry] });
    this.authlogRowsDropped = new Counter({ name: 'lifecycle_authlog_rows_dropped_total', help: 'Authlog rows in the partitions dropped past RETENTION_AUTHLOG_DAYS (InnoDB estimate)', registers: [registry] });
    this.topicRetentionDrift = new Gauge({ name: 'lifecycle_topic_retention_drift', help: '1 when the topic retention.ms differs from the policy', labelNames: ['topic'], registers: [registry] });
  }
}
