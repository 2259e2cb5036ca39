import { formatCount, formatTime } from './format.js';

/**
 * The completeness ledger for the chosen range (GET /v1/completeness): hours complete, repaired,
 * being repaired, with a gap, and still open, then one row per hour that had events. The CSV for
 * an auditor is fetched with the key and saved from memory (no key in any URL).
 */
export class CompletenessView {
  #api;
  #key;
  #params = {};
  #onError;

  constructor(api, key, { onError }) {
    this.#api = api;
    this.#key = key;
    this.#onError = onError;
    document.getElementById('completeness-csv').addEventListener('click', () => void this.#download());
  }

  async load(params, timeZone) {
    this.#params = params;
    const answer = await this.#api.get('/v1/completeness', params);
    const { summary } = answer;
    document.getElementById('completeness-summary').textContent =
      `${formatCount(summary.hours_complete)} complete, ${formatCount(summary.hours_repaired)} repaired, ${formatCount(summary.hours_repairing)} being repaired, ` +
      `${formatCount(summary.hours_gap)} with a gap, ${formatCount(summary.hours_open)} open` +
      (answer.filled_until === null ? ' (the ledger has not run yet)' : ` (filled until ${formatTime(answer.filled_until, timeZone)})`);
    document.getElementById('completeness-rows').replaceChildren(
      ...answer.hours.map((hour) => {
        const row = document.createElement('tr');
        const delivered = hour.endpoints.map((endpoint) => `${endpoint.endpoint_id}: ${endpoint.settled}/${endpoint.matched}${endpoint.deliveries_requeued > 0 ? ` (${endpoint.deliveries_requeued} sent again)` : ''}`).join('; ');
        const cells = [formatTime(hour.hour_start, timeZone), hour.status, formatCount(hour.committed), formatCount(hour.indexed), hour.documents_repaired > 0 ? `${hour.documents_repaired} re-indexed` : '', delivered];
        for (const [index, text] of cells.entries()) {
          const cell = document.createElement('td');
          cell.textContent = text;
          if (index === 1) cell.className = `trace-${hour.status}`;
          row.append(cell);
        }
        return row;
      }),
    );
  }

  async #download() {
    try {
      const query = new URLSearchParams(Object.entries({ ...this.#params, format: 'csv' }).filter(([, value]) => value !== undefined && value !== '')).toString();
      const response = await fetch(`/v1/completeness?${query}`, { headers: { authorization: `Bearer ${this.#key}` } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'completeness.csv';
      const url = URL.createObjectURL(await response.blob());
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = name;
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      this.#onError(error);
    }
  }
}
