import { Counter, Histogram, type Registry } from 'prom-client';
import type { FlushReport } from '../../../shared/outbox/outbox-writer.js';

export class AuthDemoMetrics {
  readonly logins: Counter<'outcome' | 'result'>;
  readonly recordSeconds: Histogram;
  readonly batchRecords: Histogram<'outcome'>;
  readonly batchBytes: Histogram;

  constructor(registry: Registry) {
    this.logins = new Counter({
      name: 'auth_demo_logins_total',
      help: 'Login requests by outcome (recorded, duplicate, invalid, aborted, error) and auth result',
      labelNames: ['outcome', 'result'],
      registers: [registry],
    });
    this.recordSeconds = new Histogram({
      name: 'auth_demo_record_seconds',
      help: 'Time from request to committed Authlog + outbox record',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    });
    this.batchRecords = new Histogram({
      name: 'auth_demo_record_batch_size',
      help: 'Records per group commit of the outbox writer, by outcome (committed together, split into single records after a failure, failed on a lost connection)',
      labelNames: ['outcome'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers: [registry],
    });
    this.batchBytes = new Histogram({
      name: 'auth_demo_record_batch_bytes',
      help: 'Bytes of events sent per group commit of the outbox writer',
      buckets: [1024, 4096, 16384, 65536, 262144, 1048576, 2097152],
      registers: [registry],
    });
  }

  /** The outbox writer's onFlush: one observation per group commit. */
  readonly observeFlush = (report: FlushReport): void => {
    this.batchRecords.observe({ outcome: report.outcome }, report.records);
    this.batchBytes.observe(report.bytes);
  };
}
