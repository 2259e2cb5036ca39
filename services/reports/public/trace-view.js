import { formatTime } from './format.js';

/**
 * The lineage of one event (GET /v1/events/:txid/trace) in a dialog: committed, published,
 * indexed, and every webhook endpoint with its attempts or the reason there is none. Text only
 * (textContent): descriptions and errors come from customers and their receivers.
 */
export class TraceView {
  #api;
  #dialog;
  #body;
  #timeZone = 'UTC';

  constructor(api) {
    this.#api = api;
    this.#dialog = document.getElementById('trace-dialog');
    this.#body = document.getElementById('trace-body');
    document.getElementById('trace-close').addEventListener('click', () => this.#dialog.close());
  }

  async show(txid, timeZone) {
    this.#timeZone = timeZone ?? 'UTC';
    document.getElementById('trace-title').textContent = `Event ${txid}`;
    this.#body.replaceChildren(line('loading…'));
    if (!this.#dialog.open) this.#dialog.showModal();
    try {
      this.#render(await this.#api.get(`/v1/events/${encodeURIComponent(txid)}/trace`));
    } catch (error) {
      this.#body.replaceChildren(line(`could not load the trace: ${error.message}`, 'error'));
    }
  }

  #render(trace) {
    const when = (iso) => (iso === undefined ? '' : formatTime(iso, this.#timeZone));
    const hops = [
      hop('Committed (Authlog)', trace.committed.status, `at ${when(trace.committed.at)}`),
      hop(
        'Published (Kafka)',
        trace.published.status,
        // The position comes from the event's document; published but not yet indexed has only a detail.
        trace.published.partition !== undefined
          ? `partition ${trace.published.partition}, offset ${trace.published.offset}${trace.published.acked_at === undefined ? '' : `, sent ${when(trace.published.acked_at)}`}`
          : trace.published.detail,
      ),
      hop('Indexed (reports)', trace.indexed.status, trace.indexed.status === 'done' ? `${trace.indexed.index}, ${when(trace.indexed.indexed_at)}` : trace.indexed.detail),
    ];
    const webhooks = trace.webhooks.length === 0 ? [line('no webhook endpoints')] : trace.webhooks.map((endpoint) => this.#endpoint(endpoint, when));
    this.#body.replaceChildren(...hops, heading('Webhooks'), ...webhooks, line(`"missing" means not there ${trace.margin_seconds} s after the hop before it`, 'note'));
  }

  #endpoint(endpoint, when) {
    const block = document.createElement('div');
    block.className = 'trace-endpoint';
    block.dataset.endpoint = endpoint.endpoint_id;
    block.append(hop(`${endpoint.endpoint_id}${endpoint.description ? ` (${endpoint.description})` : ''}`, endpoint.status, endpoint.detail));
    if (endpoint.attempts.length > 0) {
      const list = document.createElement('ol');
      for (const attempt of endpoint.attempts) {
        const item = document.createElement('li');
        const status = attempt.status_code === null ? attempt.error_code ?? 'no answer' : `HTTP ${attempt.status_code}`;
        item.textContent = `${when(attempt.at)}: ${attempt.outcome}, ${status}, ${attempt.latency_ms} ms${attempt.error ? `, ${attempt.error}` : ''}`;
        list.append(item);
      }
      block.append(list);
    }
    return block;
  }
}

function hop(name, status, detail) {
  const row = document.createElement('p');
  row.className = 'trace-hop';
  const label = document.createElement('strong');
  label.textContent = name;
  const badge = document.createElement('span');
  badge.className = `trace-status trace-${status}`;
  badge.dataset.testid = 'trace-status';
  badge.textContent = status.replaceAll('_', ' ');
  row.append(label, ' ', badge, ' ', detail ?? '');
  return row;
}

function heading(text) {
  const element = document.createElement('h3');
  element.textContent = text;
  return element;
}

function line(text, className) {
  const element = document.createElement('p');
  element.textContent = text;
  if (className !== undefined) element.className = className;
  return element;
}
