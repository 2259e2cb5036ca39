import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RepublishMetrics } from './republish-metrics.js';

describe('RepublishMetrics', () => {
  it('shows the progress bar figures on /metrics and is degraded while Kafka refuses batches', async () => {
    const registry = new Registry();
    const metrics = new RepublishMetrics(registry);
    const seen: string[] = [];
    const progress = metrics.observe(1_000, { update: (done, rows) => seen.push(`${done}/${rows}`), note: (text) => seen.push(String(text)), finish: () => seen.push('finish') });
    progress.update(200, 150);
    progress.update(500, 400);
    progress.note('Kafka failing, retrying (1)');
    expect(metrics.health()).toMatchObject({ status: 'degraded', checks: { kafka: 'Kafka failing, retrying (1)' } });
    progress.note(null);
    progress.finish();
    expect(metrics.health()).toEqual({ status: 'ok', state: 'RUNNING' });
    expect(seen).toEqual(['200/150', '500/400', 'Kafka failing, retrying (1)', 'null', 'finish']);
    const text = await registry.metrics();
    expect(text).toMatch(/republish_rows_published_total 400/);
    expect(text).toMatch(/republish_range_done_ids 500/);
    expect(text).toMatch(/republish_range_total_ids 1000/);
    expect(text).toMatch(/republish_kafka_retrying 0/);
  });
});
