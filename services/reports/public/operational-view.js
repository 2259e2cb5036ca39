import { ApiError } from './api.js';
import { el } from './dom.js';
import { formatTime } from './format.js';

const BASE = '/webhook-api/v1/operational-endpoint';

/**
 * The account's one operational endpoint (notices about its endpoints and messages): its URL, state
 * and creation, register or replace the URL, rotate the secret, delete, and the recent attempts of
 * its notices. A new secret goes to the same dismissable box as the endpoints' (`showSecret`), never
 * to storage. No endpoint is the API's 404, shown as "none registered", not as an error.
 */
export class OperationalView {
  #api;
  #timeZone;
  #onError;
  #showSecret;
  #form = document.getElementById('operational-form');
  #endpoint = null;

  constructor(api, { timeZone, onError, showSecret }) {
    this.#api = api;
    this.#timeZone = timeZone;
    this.#onError = onError;
    this.#showSecret = showSecret;
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#save();
    });
    document.getElementById('operational-refresh').addEventListener('click', () => void this.load());
    document.getElementById('operational-rotate').addEventListener('click', () => void this.#rotate());
    document.getElementById('operational-delete').addEventListener('click', () => void this.#delete());
  }

  async load() {
    const section = document.getElementById('operational');
    section.dataset.loading = 'true';
    try {
      this.#endpoint = await this.#api.get(BASE).catch((error) => {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      });
      this.#render();
      const attempts = this.#endpoint === null ? { data: [] } : await this.#api.get(`${BASE}/attempts`, { limit: 20 });
      document.getElementById('operational-rows').replaceChildren(...attempts.data.map((attempt) => this.#row(attempt)));
    } catch (error) {
      this.#onError(error);
    } finally {
      section.dataset.loading = 'false';
    }
  }

  #render() {
    const endpoint = this.#endpoint;
    const info = document.getElementById('operational-info');
    info.textContent = endpoint === null ? 'none registered' : `${endpoint.enabled ? 'enabled' : 'disabled'} · created ${formatTime(endpoint.created_at, this.#timeZone)}`;
    document.getElementById('operational').dataset.state = endpoint === null ? 'none' : endpoint.enabled ? 'enabled' : 'disabled';
    document.getElementById('operational-url-shown').textContent = endpoint?.url ?? '–';
    this.#form.elements.namedItem('url').value = endpoint?.url ?? '';
    this.#form.elements.namedItem('enabled').checked = endpoint?.enabled ?? true;
    document.getElementById('operational-save').textContent = endpoint === null ? 'Register' : 'Save';
    document.getElementById('operational-rotate').disabled = endpoint === null;
    document.getElementById('operational-delete').disabled = endpoint === null;
  }

  #row(attempt) {
    return el(
      'tr',
      { dataset: { outcome: attempt.outcome } },
      el('td', { text: formatTime(attempt.attempted_at, this.#timeZone) }),
      el('td', { 'data-testid': 'notice-type', text: attempt.type ?? '–' }),
      el('td', { class: 'note', text: attempt.message_id }),
      el('td', { text: String(attempt.attempt) }),
      el('td', { 'data-testid': 'notice-outcome', text: attempt.outcome }),
      el('td', { 'data-testid': 'notice-status', text: attempt.status_code === null ? attempt.error_code ?? '–' : String(attempt.status_code) }),
    );
  }

  async #save() {
    const url = this.#form.elements.namedItem('url').value.trim();
    const enabled = this.#form.elements.namedItem('enabled').checked;
    try {
      const saved = await this.#api.send('PUT', BASE, { url, enabled });
      // 201: registered, with its secret this once; a replacement keeps the secret (null).
      if (saved.secret !== null) this.#showSecret(saved.secret, `Signing secret of the operational endpoint ${saved.url}:`);
      await this.load();
    } catch (error) {
      this.#onError(error);
    }
  }

  async #rotate() {
    if (!confirm('Rotate the operational endpoint\'s signing secret? The old one keeps signing for a while (both are sent).')) return;
    try {
      const rotated = await this.#api.send('POST', `${BASE}/secret/rotate`, {});
      this.#showSecret(rotated.secret, `New signing secret of the operational endpoint (the previous one is accepted until ${rotated.previous_secret_expires_at}):`);
    } catch (error) {
      this.#onError(error);
    }
  }

  async #delete() {
    if (!confirm('Delete the operational endpoint? Its secrets and attempt log go too; notices stop.')) return;
    try {
      await this.#api.send('DELETE', BASE);
      await this.load();
    } catch (error) {
      this.#onError(error);
    }
  }
}
