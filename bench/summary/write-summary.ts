import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchFigures } from '../support/bench-context.js';
import { HEADLINES, type Headline } from './headlines.js';
import { renderChartPng } from './render-chart.js';

interface Row {
  readonly headline: Headline;
  readonly subject: number;
  readonly baseline: number | undefined;
  /** The bench's own ratio figure (see Headline.ratio), when it has one. */
  readonly ownRatio: number | undefined;
  readonly met: boolean;
}

/**
 * Writes bench/results/summary.md (a table: subject, baseline, ratio, goal), summary.json (every
 * figure) and summary.png (throughput and latency against their baselines, drawn by Chart.js in
 * headless Chromium; summary.html when Chromium is not installed).
 */
export async function writeSummary(results: readonly BenchFigures[], directory: string): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const rows: Row[] = [];
  for (const headline of HEADLINES) {
    const figures = results.find((result) => result.bench === headline.bench);
    if (figures === undefined) continue;
    rows.push({
      headline,
      subject: Number(figures[headline.subject]),
      baseline: headline.baseline === undefined ? undefined : Number(figures[headline.baseline]),
      ownRatio: headline.ratio === undefined ? undefined : Number(figures[headline.ratio]),
      met: headline.met(figures),
    });
  }
  const written = [join(directory, 'summary.md'), join(directory, 'summary.json')];
  await writeFile(written[0]!, markdown(rows, results.some((result) => result.quick === true)));
  await writeFile(written[1]!, `${JSON.stringify(results, null, 2)}\n`);
  const html = chartPage(rows);
  if (existsSync('/usr/bin/chromium')) {
    written.push(join(directory, 'summary.png'));
    await writeFile(written[2]!, await renderChartPng(html));
  } else {
    written.push(join(directory, 'summary.html'));
    await writeFile(written[2]!, html);
  }
  return written;
}

function markdown(rows: readonly Row[], quick: boolean): string {
  const format = (value: number | undefined, unit: string) => (value === undefined || Number.isNaN(value) ? '-' : `${Math.round(value).toLocaleString('en-US')} ${unit}`);
  const lines = [
    `# Benchmarks${quick ? ' (--quick)' : ''}, ${new Date().toISOString().slice(0, 16)}Z`,
    '',
    'Each benchmark measured its subject and its baseline side by side in the same run (2 shared cores).',
    '',
    '| benchmark | what | measured | baseline | ratio | goal | met |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
    ...rows.map(({ headline, subject, baseline, ownRatio, met }) => {
      const ratio = ownRatio !== undefined && Number.isFinite(ownRatio) ? ownRatio.toFixed(2) : baseline === undefined || baseline === 0 ? '-' : (subject / baseline).toFixed(2);
      const base = baseline === undefined ? '-' : `${format(baseline, headline.unit)} (${headline.baselineName})`;
      return `| ${headline.bench} | ${headline.what} | ${format(subject, headline.unit)} | ${base} | ${ratio} | ${headline.goal} | ${met ? 'yes' : '**no**'} |`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

function chartPage(rows: readonly Row[]): string {
  const dataset = (kind: Headline['kind']) => {
    const mine = rows.filter((row) => row.headline.kind === kind);
    return {
      labels: mine.map((row) => row.headline.bench),
      datasets: [
        { label: 'measured', data: mine.map((row) => row.subject), backgroundColor: '#2563eb' },
        { label: 'baseline (side by side)', data: mine.map((row) => row.baseline ?? null), backgroundColor: '#9ca3af' },
      ],
    };
  };
  const config = (kind: Headline['kind'], title: string) => ({
    type: 'bar',
    data: dataset(kind),
    options: { animation: false, responsive: false, plugins: { title: { display: true, text: title } } },
  });
  return `<!doctype html><html><body style="margin:0;background:#fff">
<canvas id="throughput" width="900" height="380"></canvas><canvas id="latency" width="900" height="380"></canvas>
<script src="chart.js"></script>
<script>
new Chart(document.getElementById('throughput'), ${JSON.stringify(config('throughput', 'Throughput (per second, more is better)'))});
new Chart(document.getElementById('latency'), ${JSON.stringify(config('latency', 'Latency (ms, less is better)'))});
window.chartsDone = true;
</script></body></html>`;
}
