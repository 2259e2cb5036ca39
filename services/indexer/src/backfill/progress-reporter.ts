/** Where progress goes: process.stderr, or a test double. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressFigures {
  /** 0..1 of the job's id range handled. */
  readonly fraction: number;
  /** Rows handled by this run. */
  readonly rows: number;
  readonly rowsPerSecond: number;
  /** Seconds left at the recent pace; null while unknown. */
  readonly etaSeconds: number | null;
  readonly note: string | null;
}

const WINDOW_MS = 10_000;

/**
 * A progress bar on stderr: redrawn in place a few times a second on a terminal, one plain line
 * every `plainIntervalMs` otherwise (CI logs, `2> file`). Rates are measured over the last 10 s,
 * and the ETA from how fast the id range is consumed (a filtered job skips ids between matches).
 */
export class ProgressReporter {
  readonly #samples: { at: number; rows: number; done: number }[] = [];
  readonly #tty: boolean;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #note: string | null = null;
  #latest: { rows: number; done: number } = { rows: 0, done: 0 };

  constructor(
    private readonly stream: ProgressStream,
    private readonly total: number,
    private readonly options: { readonly now?: () => number; readonly plainIntervalMs?: number; readonly label?: string } = {},
  ) {
    this.#tty = stream.isTTY === true;
  }

  /** `done`: ids of the job's range handled so far (all runs); `rows`: rows handled by this run. */
  update(done: number, rows: number): void {
    const now = this.#now();
    this.#latest = { rows, done };
    this.#samples.push({ at: now, rows, done });
    while (this.#samples.length > 2 && now - (this.#samples[0]?.at ?? now) > WINDOW_MS) this.#samples.shift();
    if (now - this.#lastDraw >= (this.#tty ? 200 : (this.options.plainIntervalMs ?? 10_000))) this.#draw(now);
  }

  /** A condition worth showing next to the bar (e.g. Elasticsearch unavailable); null clears it. */
  note(text: string | null): void {
    if (text === this.#note) return;
    this.#note = text;
    this.#draw(this.#now());
  }

  figures(): ProgressFigures {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    const seconds = first !== undefined && last !== undefined ? (last.at - first.at) / 1000 : 0;
    const rowsPerSecond = seconds > 0 && first !== undefined && last !== undefined ? (last.rows - first.rows) / seconds : 0;
    const idsPerSecond = seconds > 0 && first !== undefined && last !== undefined ? (last.done - first.done) / seconds : 0;
    const remaining = Math.max(0, this.total - this.#latest.done);
    return {
      fraction: this.total <= 0 ? 1 : Math.min(1, this.#latest.done / this.total),
      rows: this.#latest.rows,
      rowsPerSecond,
      etaSeconds: remaining === 0 ? 0 : idsPerSecond > 0 ? remaining / idsPerSecond : null,
      note: this.#note,
    };
  }

  /** Draws the final state and ends the line. */
  finish(): void {
    this.#draw(this.#now());
    if (this.#tty) this.stream.write('\n');
  }

  #draw(now: number): void {
    this.#lastDraw = now;
    const line = renderProgress(this.figures(), this.#tty ? Math.max(20, Math.min(40, (this.stream.columns ?? 80) - 70)) : 0, this.options.label);
    this.stream.write(this.#tty ? `\r\x1b[K${line}` : `${line}\n`);
  }

  #now(): number {
    return (this.options.now ?? (() => performance.now()))();
  }
}

/** `[########------------]  41.2%  123,456 rows  8,210 rows/s  ETA 3m12s`; barWidth 0 leaves the bar out. */
export function renderProgress(figures: ProgressFigures, barWidth: number, label = 'backfill'): string {
  const percent = `${(figures.fraction * 100).toFixed(1).padStart(5)}%`;
  const filled = Math.round(figures.fraction * barWidth);
  const bar = barWidth > 0 ? `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ` : `${label} `;
  const parts = [
    `${bar}${percent}`,
    `${figures.rows.toLocaleString('en-US')} rows`,
    `${Math.round(figures.rowsPerSecond).toLocaleString('en-US')} rows/s`,
    `ETA ${figures.etaSeconds === null ? '--' : formatDuration(figures.etaSeconds)}`,
  ];
  if (figures.note !== null) parts.push(figures.note);
  return parts.join('  ');
}

/** 45s, 3m12s, 2h05m, 3d04h. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3_600)}h${String(Math.floor((seconds % 3_600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(seconds / 86_400)}d${String(Math.floor((seconds % 86_400) / 3_600)).padStart(2, '0')}h`;
}
