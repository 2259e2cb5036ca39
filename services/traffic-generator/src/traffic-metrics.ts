import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export class TrafficMetrics {
  readonly logins: Counter<'outcome'>;
  readonly latency: Histogram;
  readonly targetRate: Gauge;

  constructor(registry: Registry) {
    this.logins = new Counter({ name: 'traffic_generator_logins_total', help: 'Logins sent, by outcome', labelNames: ['outcome'], registers: [registry] });
    this.latency = new Histogram({
      name: 'traffic_generator_login_seconds',
      help: 'Login answer time including retries',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    });
    this.targetRate = new Gauge({ name: 'traffic_generator_target_rate', help: 'Logins per second aimed at now', registers: [registry] });
  }
}
