import { el } from './dom.js';
import { healthOf, latency, successRate } from './endpoint-health.js';

const BASE = '/webhook-api/v1/endpoints';

/**
 * The endpoints of the account with their health and 24 h / 28 day statistics, and the actions on
 * each: edit, rotate the secret, send a test, enable, open the deliveries. A new secret (create,
 * rotate) is shown once in a box the user dismisses; it is kept in no storage.
 */
export class WebhooksView {
  #api;
  #timeZone;
  #onError;
  #onEdit;
  #onDeliveries;
  #endpoints = [];

  constructor(api, { timeZone, onError, onEdit, onDeliveries }) {
    this.#api = api;
    this.#timeZone = timeZone;
    this.#onError = onError;
    this.#onEdit = onEdit;
    this.#onDeliveries = onDeliveries;
    document.getElementById('endpoint-new').addEventListener('click', () => this.#onEdit(null));
    document.getElementById('endpoints-refresh').addEventListener('click', () => void this.load());
    document.getElementById('secret-dismiss').addEventListener('click', () => this.hideSecret());
  }

  /** The catalog's types for "Send test as" (an example event of that type instead of the ping). */
  async loadEventTypes() {
    try {
      const catalog = await this.#api.get('/webhook-api/v1/event-types');
      const select = document.getElementById('test-event-type');
      select.append(...catalog.data.map((entry) => el('option', { value: entry.type, text: `${entry.type} (example)` })));
    } catch (error) {
      this.#onError(error);
    }
  }

  async load() {
    const page = document.getElementById('webhooks-page');
    page.dataset.loading = 'true';
    try {
      const list = await this.#api.get(BASE, { limit: 250 });
      this.#endpoints = list.data;
      const stats = await Promise.all(list.data.map((endpoint) => this.#api.get(`${BASE}/${encodeURIComponent(endpoint.id)}/stats`).catch(() => null)));
      document.getElementById('endpoint-rows').replaceChildren(...list.data.map((endpoint, i) => this.#row(endpoint, stats[i])));
      document.getElementById('endpoints-info').textContent = `${list.data.length} endpoint${list.data.length === 1 ? '' : 's'}`;
    } catch (error) {
      this.#onError(error);
    } finally {
      page.dataset.loading = 'false';
    }
  }

  endpoint(id) {
    return this.#endpoints.find((endpoint) => endpoint.id === id);
  }

  showSecret(secret, what) {
    document.getElementById('secret-what').textContent = what;
    document.getElementById('secret-value').textContent = secret ?? '(not shown again: the request was a replay)';
    document.getElementById('secret-box').hidden = false;
  }

  hideSecret() {
    document.getElementById('secret-value').textContent = '';
    document.getElementById('secret-box').hidden = true;
  }

  #row(endpoint, stats) {
    const health = healthOf(endpoint, this.#timeZone);
    const action = (label, handler, extra = {}) => {
      const button = el('button', { type: 'button', text: label, 'aria-label': `${label}: ${endpoint.url}`, ...extra });
      button.addEventListener('click', () => void handler());
      return button;
    };
    const filters = Object.entries(endpoint.filters).filter(([, values]) => values.length > 0);
    return el(
      'tr',
      { dataset: { endpointId: endpoint.id, state: health.state } },
      el('td', {}, el('div', { text: endpoint.url, class: 'url' }), el('div', { class: 'note', text: endpoint.description })),
      el('td', { class: `health-${health.state}`, 'data-testid': 'endpoint-health', text: health.text }),
      el('td', { 'data-testid': 'rate-24h', text: stats === null ? '–' : successRate(stats.last_24h) }),
      el('td', { 'data-testid': 'rate-28d', text: stats === null ? '–' : successRate(stats.last_28d) }),
      el('td', { 'data-testid': 'latency-24h', text: stats === null ? '–' : latency(stats.last_24h) }),
      el('td', { class: 'note', text: filters.length === 0 ? 'every event' : filters.map(([name, values]) => `${name}: ${values.join(', ')}`).join('; ') }),
      el('td', { class: 'note', text: Object.keys(endpoint.headers).join(', ') || '–' }),
      el(
        'td',
        { class: 'actions' },
        action('Edit', () => this.#onEdit(endpoint)),
        action('Rotate secret', () => this.#rotate(endpoint)),
        action('Send test', () => this.#test(endpoint), { disabled: !endpoint.enabled }),
        endpoint.enabled ? null : action('Enable', () => this.#enable(endpoint)),
        action('Deliveries', () => this.#onDeliveries(endpoint)),
      ),
    );
  }

  async #rotate(endpoint) {
    if (!confirm(`Rotate the signing secret of ${endpoint.url}? The old one keeps signing for a while (both are sent).`)) return;
    try {
      const rotated = await this.#api.send('POST', `${BASE}/${encodeURIComponent(endpoint.id)}/secret/rotate`, {});
      this.showSecret(rotated.secret, `New signing secret of ${endpoint.url} (the previous one is accepted until ${rotated.previous_secret_expires_at}):`);
    } catch (error) {
      this.#onError(error);
    }
  }

  async #test(endpoint) {
    try {
      const type = document.getElementById('test-event-type').value;
      const sent = await this.#api.send('POST', `${BASE}/${encodeURIComponent(endpoint.id)}/test`, type === '' ? {} : { event_type: type });
      document.getElementById('endpoints-info').textContent = `Test message ${sent.message_id} queued for ${endpoint.url}`;
      this.#onDeliveries(endpoint, { queued: true });
    } catch (error) {
      this.#onError(error);
    }
  }

  async #enable(endpoint) {
    try {
      await this.#api.send('POST', `${BASE}/${encodeURIComponent(endpoint.id)}/enable`, {});
      await this.load();
    } catch (error) {
      this.#onError(error);
    }
  }
}
