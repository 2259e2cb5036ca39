/** A service's own view of whether it can do its job, served at /healthz. */
export interface HealthReport {
  /** ok: working. degraded: working around a failure (e.g. backing off from Kafka). failing: not working. */
  readonly status: 'ok' | 'degraded' | 'failing';
  /** Lifecycle state, e.g. RUNNING or DRAINING. */
  readonly state: string;
  /** Per-dependency or per-loop details, for a human reading the JSON. */
  readonly checks?: Readonly<Record<string, unknown>>;
}

export type HealthCheck = () => HealthReport | Promise<HealthReport>;

/** 200 while the service can take work; 503 when failing or draining, so traffic moves elsewhere. */
export function healthStatusCode(report: HealthReport): number {
  return report.status === 'failing' || report.state !== 'RUNNING' ? 503 : 200;
}
