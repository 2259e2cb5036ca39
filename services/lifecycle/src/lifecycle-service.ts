import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { ConnectionProbe } from '../../../shared/connections/connection-probe.js';
import { eventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import type { Logger } from '../../../shared/log/logger.js';
import type { HealthReport } from '../../../shared/ops/health.js';
import type { RunnableService } from '../../../shared/ops/run-service.js';
import { runShutdownSteps } from '../../../shared/ops/shutdown-steps.js';
import { AuthlogPartitionsJob, type MaintainPartitions } from './jobs/authlog-partitions-job.js';
import { AuthlogTxidRetentionJob } from './jobs/authlog-txid-retention-job.js';
import { ElasticsearchRetentionJob } from './jobs/elasticsearch-retention-job.js';
import { KafkaRetentionDriftJob } from './jobs/kafka-retention-drift-job.js';
import { WebhookRetentionJob } from './jobs/webhook-retention-job.js';
import { AuditLogRetentionJob } from './jobs/audit-log-retention-job.js';
import type { AuditLogDatabase } from '../../../shared/audit/audit-log-table.js';
import { LifecycleMetrics } from './lifecycle-metrics.js';
import { LifecycleScheduler } from './lifecycle-scheduler.js';
import type { LifecycleSettings } from './lifecycle-settings.js';
import type { LifecycleDatabase } from './lifecycle-tables.js';

export interface LifecycleServiceOptions {
  readonly settings: LifecycleSettings;
  readonly db: Kysely<LifecycleDatabase>;
  readonly kafka: Kafka;
  readonly elasticsearch: Client;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly instance: string;
  readonly probes: readonly ConnectionProbe[];
  /** shared/outbox's maintainAuthlogPartitions (main.ts passes it); undefined: the job reports not_configured. */
  readonly maintainPartitions?: MaintainPartitions;
  readonly now?: () => Date;
}

const HOUR_MS = 3_600_000;

/** The data's life cycle in every sink: one scheduler, one job per sink, one retention policy. */
export class LifecycleService implements RunnableService {
  readonly scheduler: LifecycleScheduler;
  readonly #options: LifecycleServiceOptions;

  constructor(options: LifecycleServiceOptions) {
    this.#options = options;
    const { settings, logger } = options;
    const metrics = new LifecycleMetrics(options.registry);
    const jobs = [
      new AuthlogPartitionsJob(settings.RETENTION_AUTHLOG_DAYS, options.maintainPartitions, (rows) => metrics.authlogRowsDropped.inc(rows)),
      new AuthlogTxidRetentionJob(options.db, { horizonDays: settings.LIFECYCLE_TXID_HORIZON_DAYS, chunk: settings.LIFECYCLE_WEBHOOK_CHUNK, pauseMs: settings.LIFECYCLE_WEBHOOK_PAUSE_MS }, logger),
      new ElasticsearchRetentionJob(options.elasticsearch, eventIndexNames(settings.LIFECYCLE_INDEX_PREFIX), settings.RETENTION_AUTHLOG_DAYS, logger),
      new WebhookRetentionJob(
        options.db,
        { retentionDays: settings.RETENTION_WEBHOOK_DAYS, chunk: settings.LIFECYCLE_WEBHOOK_CHUNK, pauseMs: settings.LIFECYCLE_WEBHOOK_PAUSE_MS, onRemoved: (table, rows) => metrics.webhookRowsRemoved.inc({ table }, rows) },
        logger,
      ),
      new KafkaRetentionDriftJob(
        options.kafka,
        [
          { topic: settings.LIFECYCLE_EVENTS_TOPIC, retentionMs: settings.RETENTION_EVENTS_TOPIC_HOURS * HOUR_MS },
          ...settings.LIFECYCLE_DLQ_TOPICS.map((topic) => ({ topic, retentionMs: settings.RETENTION_DLQ_TOPIC_DAYS * 24 * HOUR_MS })),
        ],
        (state) => metrics.topicRetentionDrift.set({ topic: state.topic }, state.drift ? 1 : 0),
        logger,
      ),
      new AuditLogRetentionJob(options.db.withTables<AuditLogDatabase>(), { retentionDays: settings.RETENTION_AUDIT_DAYS, chunk: settings.LIFECYCLE_WEBHOOK_CHUNK, pauseMs: settings.LIFECYCLE_WEBHOOK_PAUSE_MS }, logger),
    ];
    this.scheduler = new LifecycleScheduler({
      db: options.db,
      jobs,
      instance: options.instance,
      intervalMs: settings.LIFECYCLE_INTERVAL_MS,
      metrics,
      logger,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  }

  connectionProbes(): readonly ConnectionProbe[] {
    return this.#options.probes;
  }

  async start(): Promise<void> {
    this.scheduler.start();
  }

  /** Lets the job in progress finish its chunk, then closes the clients. Safe to call twice. */
  async stop(): Promise<void> {
    await runShutdownSteps(
      [
        ['scheduler', () => this.scheduler.stop()],
        ['mysql', () => this.#options.db.destroy()],
        ['elasticsearch', () => this.#options.elasticsearch.close()],
      ],
      this.#options.logger,
    );
  }

  health(): Omit<HealthReport, 'state'> {
    const lastRound = this.scheduler.lastRound;
    const failed = lastRound.filter((outcome) => outcome.status === 'failed').map((outcome) => outcome.job);
    return { status: failed.length > 0 ? 'degraded' : 'ok', checks: { runningJob: this.scheduler.runningJob ?? null, lastRound, failed } };
  }
}
