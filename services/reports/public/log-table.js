import { formatCount, formatTime } from './format.js';

/**
 * The auth log table with cursor paging: "Older" follows next_cursor, "Newer" goes back through the
 * cursors already seen (the API pages forward only, like Duo's).
 */
export class LogTable {
  #api;
  #params = {};
  #cursors = [];
  #page = 0;
  #pageSize;
  #onError;
  #total = null;

  #onTrace;

  constructor(api, { pageSize = 50, onError, onTrace }) {
    this.#api = api;
    this.#onTrace = onTrace;
    this.#pageSize = pageSize;
    this.#onError = onError;
    document.getElementById('older').addEventListener('click', () => this.#go(this.#page + 1));
    document.getElementById('newer').addEventListener('click', () => this.#go(this.#page - 1));
  }

  /** New filters: back to the first page. */
  async load(params) {
    this.#params = params;
    this.#cursors = [undefined];
    this.#total = null;
    await this.#go(0);
  }

  async #go(page) {
    const cursor = this.#cursors[page];
    if (page > 0 && cursor === undefined) return;
    try {
      const answer = await this.#api.get('/v1/logs', { ...this.#params, limit: this.#pageSize, cursor });
      this.#page = page;
      this.#cursors[page + 1] = answer.next_cursor ?? undefined;
      if (answer.total !== null) this.#total = answer.total;
      this.#render(answer);
    } catch (error) {
      this.#onError(error);
    }
  }

  #render(answer) {
    const rows = document.getElementById('log-rows');
    rows.replaceChildren(
      ...answer.items.map((event) => {
        const row = document.createElement('tr');
        row.dataset.txid = event.txid;
        const location = event.access_device.location;
        const cells = [
          formatTime(event.timestamp, answer.time_zone),
          event.user.name,
          event.application.name,
          event.result,
          event.reason,
          event.factor,
          event.access_device.ip ?? '',
          [location.city, location.country].filter(Boolean).join(', '),
        ];
        for (const [index, text] of cells.entries()) {
          const cell = document.createElement('td');
          cell.textContent = text; // never innerHTML: names come from customers' directories
          if (index === 3) cell.className = `result-${event.result}`;
          row.append(cell);
        }
        // Every row links to the lineage of its event (where it is in the pipeline, webhooks included).
        const traceCell = document.createElement('td');
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'link';
        button.textContent = 'trace';
        button.dataset.testid = 'trace-link';
        button.addEventListener('click', () => this.#onTrace?.(event.txid, answer.time_zone));
        traceCell.append(button);
        row.append(traceCell);
        return row;
      }),
    );
    const first = this.#page * this.#pageSize + 1;
    const total = this.#total === null ? '' : ` of ${formatCount(this.#total.value)}${this.#total.relation === 'gte' ? '+' : ''}`;
    document.getElementById('log-info').textContent = answer.items.length === 0 ? 'no events' : `events ${formatCount(first)}–${formatCount(first + answer.items.length - 1)}${total}`;
    document.getElementById('newer').disabled = this.#page === 0;
    document.getElementById('older').disabled = answer.next_cursor === null;
  }
}
