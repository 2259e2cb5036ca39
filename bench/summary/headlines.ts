import type { BenchFigures } from '../support/bench-context.js';

/**
 * What each benchmark's summary row shows: its subject against the baseline it measured side by side,
 * and the goal from its issue. `kind` decides which chart it goes in (more is better for throughput,
 * less for latency).
 */
export interface Headline {
  readonly bench: string;
  readonly what: string;
  readonly kind: 'throughput' | 'latency';
  readonly unit: string;
  readonly subject: string;
  readonly baseline?: string;
  readonly baselineName?: string;
  /**
   * The bench's own ratio figure, when it pairs subject and baseline run by run (the median of
   * per-round ratios is not the ratio of the medians); otherwise subject / baseline.
   */
  readonly ratio?: string;
  readonly goal: string;
  readonly met: (figures: BenchFigures) => boolean;
}

const num = (figures: BenchFigures, key: string) => Number(figures[key]);

export const HEADLINES: readonly Headline[] = [
  {
    bench: 'outbox-write',
    what: 'logins recorded/s, 32 writers',
    kind: 'throughput',
    unit: '/s',
    subject: 'b_w32_per_s',
    baseline: 'a_w32_per_s',
    baselineName: 'plain autocommit Authlog insert',
    goal: 'overhead <= 0.0 at 32 writers, <= -1.0 at 512; p99 added at 1 writer <= 0.5 ms',
    met: (f) => num(f, 'overhead') <= 0 && num(f, 'overhead_w512') <= -1 && num(f, 'p99_added_ms_w1') <= 0.5,
  },
  {
    bench: 'relay-drain',
    what: 'outbox rows drained to Kafka/s',
    kind: 'throughput',
    unit: '/s',
    subject: 'relay_events_per_s',
    baseline: 'bare_producer_events_per_s',
    baselineName: 'bare kafkajs producer',
    goal: '>= 20,000/s and >= 60% of bare',
    ratio: 'ratio',
    met: (f) => num(f, 'relay_events_per_s') >= 20_000 && num(f, 'ratio') >= 0.6,
  },
  {
    bench: 'relay-latency',
    what: 'commit to Kafka p99 at 2,000/s',
    kind: 'latency',
    unit: 'ms',
    subject: 'relay_p99_ms',
    baseline: 'direct_p99_ms',
    baselineName: 'direct produce after commit',
    goal: 'p99 <= 200 ms',
    met: (f) => num(f, 'relay_p99_ms') <= 200,
  },
  {
    bench: 'indexer-throughput',
    what: 'events indexed/s from Kafka',
    kind: 'throughput',
    unit: '/s',
    subject: 'indexer_docs_per_s',
    baseline: 'bare_docs_per_s',
    baselineName: 'bare bulk loader',
    goal: '>= 80% of bare',
    ratio: 'ratio',
    met: (f) => num(f, 'ratio') >= 0.8,
  },
  {
    bench: 'indexer-throughput',
    what: 'events indexed/s from Kafka, against any consumer',
    kind: 'throughput',
    unit: '/s',
    subject: 'indexer_docs_per_s',
    baseline: 'bare_consumer_docs_per_s',
    baselineName: 'bare kafkajs consumer',
    goal: '>= 90% of bare, CPU/doc <= 1.5x',
    ratio: 'ratio_vs_bare_consumer',
    met: (f) => num(f, 'ratio_vs_bare_consumer') >= 0.9 && f.cpu_ratio_vs_bare_consumer !== null && num(f, 'cpu_ratio_vs_bare_consumer') <= 1.5,
  },
  {
    bench: 'backfill',
    what: 'Authlog rows backfilled/s',
    kind: 'throughput',
    unit: '/s',
    subject: 'backfill_rows_per_s',
    baseline: 'bare_bulk_docs_per_s',
    baselineName: 'bare bulk loader',
    goal: '(measured)',
    met: () => true,
  },
  {
    bench: 'freshness',
    what: 'commit to searchable p99 at 2,000/s',
    kind: 'latency',
    unit: 'ms',
    subject: 'pipeline_p99_ms',
    baseline: 'baseline_p99_ms',
    baselineName: 'Elasticsearch refresh alone',
    goal: 'p99 <= 2,000 ms',
    met: (f) => num(f, 'pipeline_p99_ms') <= 2_000,
  },
  {
    bench: 'webhook-throughput',
    what: 'webhook deliveries/s',
    kind: 'throughput',
    unit: '/s',
    subject: 'dispatcher_per_s',
    baseline: 'bare_preloaded_per_s',
    baselineName: 'bare BullMQ + undici loop',
    goal: '>= 1.0 x bare and CPU/delivery <= bare (full run)',
    ratio: 'ratio_vs_bare_preloaded',
    // Issue 12: only a full run can meet it; a --quick run shows its figures as not met.
    met: (f) => f['quick'] !== true && num(f, 'ratio_vs_bare_preloaded') >= 1 && num(f, 'cpu_ratio_vs_bare') <= 1,
  },
  {
    bench: 'webhook-latency',
    what: 'commit to received p99 at 1,000/s',
    kind: 'latency',
    unit: 'ms',
    subject: 'p99_ms',
    baseline: 'kafka_baseline_p99_ms',
    baselineName: 'relay + Kafka alone',
    goal: 'p99 <= 1,000 ms (full run, 60 s)',
    met: (f) => f['quick'] !== true && num(f, 'p99_ms') <= 1_000 && f['webhook_missing'] === 0,
  },
  {
    bench: 'reports',
    what: 'slowest report p95 via the API',
    kind: 'latency',
    unit: 'ms',
    subject: 'worst_p95_ms',
    baseline: 'worst_p95_baseline_ms',
    baselineName: 'same query in process',
    goal: 'p95 <= 300 ms',
    met: (f) => num(f, 'worst_p95_ms') <= 300,
  },
  {
    bench: 'webhook-messages',
    what: 'messages list page 1 p50, table without statistics',
    kind: 'latency',
    unit: 'ms',
    subject: 'no_stats_page1_p50_ms',
    baseline: 'analyzed_page1_p50_ms',
    baselineName: 'same after ANALYZE TABLE',
    goal: 'page 1 p50 <= 1,000 ms with or without statistics',
    met: (f) => num(f, 'no_stats_page1_p50_ms') <= 1_000 && num(f, 'analyzed_page1_p50_ms') <= 1_000,
  },
];
