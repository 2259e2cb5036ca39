import { el, instantOf } from './dom.js';
import { formatTime } from './format.js';

/**
 * The deliveries of one endpoint: the attempt log (filters: outcome, status class, time; each
 * attempt's request headers as the API gives them, already redacted, and the response excerpt),
 * its messages with a replay button each, and recovery of failed messages since a time.
 */
export class DeliveriesView {
  #api;
  #timeZone;
  #onError;
  #onChanged;
  #endpoint = null;
  /** Cursors of the attempt pages shown so far, and the next page's. */
  #before = [];
  #next = undefined;
  #section = document.getElementById('deliveries');
  #filters = document.getElementById('attempt-filters');

  constructor(api, { timeZone, onError, onChanged }) {
    this.#api = api;
    this.#onChanged = onChanged;
    this.#timeZone = timeZone;
    this.#onError = onError;
    this.#filters.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#loadAttempts([undefined]);
    });
    document.getElementById('attempts-older').addEventListener('click', () => void this.#loadAttempts([...this.#before, this.#next]));
    document.getElementById('deliveries-refresh').addEventListener('click', () => void this.refresh());
    document.getElementById('recover-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#recover();
    });
  }

  get #base() {
    return `/webhook-api/v1/endpoints/${encodeURIComponent(this.#endpoint.id)}`;
  }

  /** queued: a delivery was just queued for it (a test): look again once it has had a moment. */
  async show(endpoint, { queued = false } = {}) {
    this.#endpoint = endpoint;
    this.#section.hidden = false;
    document.getElementById('deliveries-title').textContent = `Deliveries of ${endpoint.url}`;
    document.getElementById('recover-result').textContent = '';
    await this.refresh();
    this.#section.scrollIntoView({ block: 'start' });
    if (queued) this.#settleThenRefresh();
  }

  async refresh() {
    if (this.#endpoint === null) return;
    this.#section.dataset.loading = 'true';
    await Promise.all([this.#loadAttempts([undefined]), this.#loadMessages()]);
    this.#section.dataset.loading = 'false';
  }

  async #loadAttempts(cursors) {
    const form = new FormData(this.#filters);
    const params = {
      limit: 50,
      before: cursors.at(-1),
      outcome: form.get('outcome'),
      status_class: form.get('status_class'),
      from: instantOf(form.get('from')),
      to: instantOf(form.get('to')),
    };
    try {
      const page = await this.#api.get(`${this.#base}/attempts`, params);
      this.#before = cursors;
      this.#next = page.next_before ?? undefined;
      document.getElementById('attempts-older').disabled = page.next_before === null;
      document.getElementById('attempt-rows').replaceChildren(...page.data.map((attempt) => this.#attemptRow(attempt)));
      document.getElementById('attempts-info').textContent = page.data.length === 0 ? 'no attempts match' : `${page.data.length} attempt${page.data.length === 1 ? '' : 's'}${page.next_before === null ? '' : ' (more with Older)'}`;
    } catch (error) {
      this.#onError(error);
    }
  }

  #attemptRow(attempt) {
    const headers = attempt.request_headers ?? null;
    const headerList =
      headers === null
        ? el('p', { class: 'note', 'data-testid': 'request-headers', text: 'Request headers: not recorded' })
        : el('dl', { class: 'headers', 'data-testid': 'request-headers' }, Object.entries(headers).flatMap(([name, value]) => [el('dt', { text: name }), el('dd', { text: value })]));
    return el(
      'tr',
      { dataset: { attemptId: attempt.id, messageId: attempt.message_id, outcome: attempt.outcome } },
      el('td', { text: formatTime(attempt.attempted_at, this.#timeZone) }),
      el('td', { class: 'mono', text: attempt.message_id }),
      el('td', { text: `#${attempt.attempt}` }),
      el('td', { text: attempt.trigger }),
      el('td', { class: `outcome-${attempt.outcome}`, text: attempt.outcome }),
      el('td', { 'data-testid': 'attempt-status', text: attempt.status_code ?? attempt.error_code ?? '–' }),
      el('td', { text: `${attempt.latency_ms} ms` }),
      el(
        'td',
        { class: 'detail' },
        el(
          'details',
          {},
          el('summary', { text: attempt.error ?? 'Request and response' }),
          el('h4', { text: 'Request headers (secrets redacted)' }),
          headerList,
          el('h4', { text: 'Response excerpt' }),
          el('pre', { 'data-testid': 'response-excerpt', text: attempt.response_excerpt ?? '(no response body)' }),
        ),
      ),
    );
  }

  async #loadMessages() {
    try {
      const page = await this.#api.get(`${this.#base}/messages`, { limit: 50 });
      document.getElementById('message-rows').replaceChildren(...page.data.map((message) => this.#messageRow(message)));
    } catch (error) {
      this.#onError(error);
    }
  }

  #messageRow(message) {
    const replay = el('button', { type: 'button', text: 'Replay', 'aria-label': `Replay ${message.message_id}` });
    replay.addEventListener('click', () => void this.#replay(message.message_id));
    const time = (iso) => (iso === null ? '–' : formatTime(iso, this.#timeZone));
    return el(
      'tr',
      { dataset: { messageId: message.message_id, status: message.status } },
      el('td', { class: 'mono', text: message.message_id }),
      el('td', { text: message.type ?? '–' }),
      el('td', { class: `status-${message.status}`, 'data-testid': 'message-status', text: message.status }),
      el('td', { text: String(message.attempts) }),
      el('td', { text: time(message.last_attempt_at) }),
      el('td', { text: time(message.next_attempt_at) }),
      el('td', { text: message.last_error ?? '' }),
      el('td', {}, replay),
    );
  }

  /** Deliveries are queued, not done, when the API answers: look again once they have had a moment. */
  #settleThenRefresh() {
    setTimeout(() => {
      void this.refresh();
      this.#onChanged();
    }, 1_500);
  }

  async #replay(messageId) {
    try {
      await this.#api.send('POST', `${this.#base}/messages/${encodeURIComponent(messageId)}/replay`, {});
      document.getElementById('recover-result').textContent = `Replay of ${messageId} queued`;
      this.#settleThenRefresh();
    } catch (error) {
      this.#onError(error);
    }
  }

  async #recover() {
    const since = instantOf(document.getElementById('recover-since').value);
    if (since === undefined) return this.#onError(new Error('Recover: choose the time to recover failed messages since (since)'));
    try {
      const answer = await this.#api.send('POST', `${this.#base}/recover`, { since });
      document.getElementById('recover-result').textContent = `${answer.recovered} failed message${answer.recovered === 1 ? '' : 's'} sent again`;
      this.#settleThenRefresh();
    } catch (error) {
      this.#onError(error);
    }
  }
}
