import type { SupervisedProcess } from './supervised-process.js';

/** A figure shown under the table: a metric of one process, summed over its label sets. */
export interface BoardFigure {
  readonly label: string;
  readonly process: string;
  readonly metric: string;
}

/** Sum of every sample of `metric` in a Prometheus text exposition (undefined when absent). */
export function sumMetric(exposition: string, metric: string): number | undefined {
  let total: number | undefined;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(metric) || (line[metric.length] !== ' ' && line[metric.length] !== '{')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

async function fetchText(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return await response.text();
  } catch {
    return undefined;
  }
}

/** One snapshot: a line per process (state, health, restarts) and the pipeline's figures. */
export async function renderBoard(processes: readonly SupervisedProcess[], figures: readonly BoardFigure[]): Promise<string> {
  const rows = await Promise.all(
    processes.map(async (child) => {
      const health = await fetchText(`http://127.0.0.1:${child.spec.opsPort}/healthz`);
      const status = health === undefined ? '-' : ((JSON.parse(health) as { status?: string }).status ?? '?');
      const uptime = `${Math.round(child.uptimeMs / 1000)}s`;
      return `  ${child.spec.name.padEnd(19)} ${child.state.padEnd(11)} pid ${String(child.pid ?? '-').padEnd(8)} health ${status.padEnd(9)} restarts ${String(child.restarts).padEnd(3)} up ${uptime}`;
    }),
  );
  const expositions = new Map<string, string | undefined>();
  for (const process of new Set(figures.map((figure) => figure.process))) {
    const child = processes.find((candidate) => candidate.spec.name === process);
    expositions.set(process, child === undefined ? undefined : await fetchText(`http://127.0.0.1:${child.spec.opsPort}/metrics`));
  }
  const values = figures.map((figure) => {
    const exposition = expositions.get(figure.process);
    const value = exposition === undefined ? undefined : sumMetric(exposition, figure.metric);
    return `${figure.label} ${value === undefined ? '-' : Math.round(value)}`;
  });
  return [`${new Date().toISOString()}  processes:`, ...rows, `  ${values.join(' | ')}`].join('\n');
}
