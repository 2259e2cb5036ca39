import { Counter, Histogram, type Registry } from 'prom-client';

export class AuthDemoMetrics {
  readonly logins: Counter<'outcome' | 'result'>;
  readonly recordSeconds: Histogram;

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
  }
}
