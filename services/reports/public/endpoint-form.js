import { listOf } from './dom.js';

const HIDDEN = '***';

/**
 * Create and edit an endpoint in one dialog: URL, filters, custom headers and limits. Header values
 * are never shown (the API answers `***`): on edit, a line left at `***` keeps its value, a line
 * removed deletes the header, a new value replaces it.
 */
export class EndpointForm {
  #api;
  #dialog = document.getElementById('endpoint-dialog');
  #form = document.getElementById('endpoint-form');
  #error = document.getElementById('endpoint-error');
  #editing = null;
  #onSaved;

  constructor(api, { onSaved }) {
    this.#api = api;
    this.#onSaved = onSaved;
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#save();
    });
    document.getElementById('endpoint-cancel').addEventListener('click', () => this.#dialog.close());
  }

  /** Opens empty (create) or filled with `endpoint` (edit). */
  open(endpoint = null) {
    this.#editing = endpoint;
    this.#form.reset();
    this.#error.textContent = '';
    document.getElementById('endpoint-title').textContent = endpoint === null ? 'New endpoint' : `Edit ${endpoint.url}`;
    if (endpoint !== null) this.#fill(endpoint);
    this.#dialog.showModal();
  }

  #field(name) {
    return this.#form.elements.namedItem(name);
  }

  #fill(endpoint) {
    this.#field('url').value = endpoint.url;
    this.#field('description').value = endpoint.description;
    for (const box of this.#form.querySelectorAll('input[name=event_types], input[name=results]')) box.checked = endpoint.filters[box.name].includes(box.value);
    for (const name of ['reasons', 'applications', 'users', 'groups', 'ip']) this.#field(name).value = endpoint.filters[name].join(', ');
    this.#field('headers').value = Object.keys(endpoint.headers).map((name) => `${name}: ${HIDDEN}`).join('\n');
    this.#field('timeout_ms').value = endpoint.timeout_ms ?? '';
    this.#field('rate_limit_per_second').value = endpoint.rate_limit_per_second ?? '';
    this.#field('max_concurrency').value = endpoint.max_concurrency;
    this.#field('retry_schedule').value = (endpoint.retry_schedule ?? []).join(', ');
  }

  /** "Name: value" lines; a line without a colon is an error naming it. */
  #headerLines() {
    const headers = {};
    for (const line of this.#field('headers').value.split('\n')) {
      if (line.trim() === '') continue;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`headers: "${line.trim()}" is not "Name: value"`);
      headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    return headers;
  }

  #body() {
    const checked = (name) => [...this.#form.querySelectorAll(`input[name=${name}]:checked`)].map((box) => box.value);
    const number = (name) => (this.#field(name).value === '' ? null : Number(this.#field(name).value));
    const retry = listOf(this.#field('retry_schedule').value);
    const body = {
      url: this.#field('url').value.trim(),
      description: this.#field('description').value,
      filters: {
        event_types: checked('event_types'),
        results: checked('results'),
        reasons: listOf(this.#field('reasons').value),
        applications: listOf(this.#field('applications').value),
        users: listOf(this.#field('users').value),
        groups: listOf(this.#field('groups').value),
        ip: listOf(this.#field('ip').value),
      },
      timeout_ms: number('timeout_ms'),
      rate_limit_per_second: number('rate_limit_per_second'),
      retry_schedule: retry.length === 0 ? null : retry,
    };
    const concurrency = number('max_concurrency');
    if (concurrency !== null) body.max_concurrency = concurrency;
    const lines = this.#headerLines();
    if (this.#editing === null) body.headers = lines;
    else {
      const changes = {};
      for (const [name, value] of Object.entries(lines)) if (value !== HIDDEN || !(name in this.#editing.headers)) changes[name] = value;
      for (const name of Object.keys(this.#editing.headers)) if (!(name in lines)) changes[name] = null;
      body.headers = changes;
    }
    return body;
  }

  async #save() {
    this.#error.textContent = '';
    try {
      const body = this.#body();
      const saved = this.#editing === null ? await this.#api.send('POST', '/webhook-api/v1/endpoints', body) : await this.#api.send('PATCH', `/webhook-api/v1/endpoints/${encodeURIComponent(this.#editing.id)}`, body);
      this.#dialog.close();
      await this.#onSaved(saved);
    } catch (error) {
      this.#error.textContent = error.field === undefined ? error.message : `${error.message} (${error.field})`;
    }
  }
}
