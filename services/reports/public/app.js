import { Api, ApiError } from './api.js';
import { drawBreakdown, drawDistinctUsers, drawVolume } from './charts.js';
import { fillSelect, initialiseForm, paramsFor, readFilters } from './filters.js';
import { formatCount, formatDuration } from './format.js';
import { LogTable } from './log-table.js';
import { TraceView } from './trace-view.js';
import { CompletenessView } from './completeness-view.js';
import { startWebhooks } from './webhooks-page.js';

/**
 * The Admin Panel: asks for an API key once per tab, then loads every report for the chosen range
 * and filters in parallel. The page holds no data of its own; everything comes from /v1.
 */
const KEY = 'authlog.apiKey';
const form = document.getElementById('filters');
const errorLine = document.getElementById('error');
let api;
let table;
let completeness;
let timeZone = 'UTC';
let generation = 0;

function showError(error) {
  const where = error instanceof ApiError && error.field !== undefined ? ` (${error.field})` : '';
  errorLine.textContent = `${error.message}${where}`;
  if (error instanceof ApiError && error.status === 401) signOut();
}

function signOut() {
  sessionStorage.removeItem(KEY);
  location.reload();
}

async function askForKey(message = '') {
  const dialog = document.getElementById('key-dialog');
  document.getElementById('key-error').textContent = message;
  dialog.showModal();
  await new Promise((resolve) => dialog.addEventListener('close', resolve, { once: true }));
  return document.getElementById('key-input').value.trim();
}

/** What this server offers (settings.json, no key needed): the webhook pages only with the webhook API proxied. */
async function panelSettings() {
  const response = await fetch('/panel/settings.json');
  return response.ok ? response.json() : { webhook_api: false };
}

async function probe(candidate, path, params) {
  try {
    return { ok: true, value: await candidate.get(path, params) };
  } catch (error) {
    return { ok: false, error };
  }
}

const refused = (answer) => !answer.ok && answer.error instanceof ApiError && answer.error.status === 401;

/**
 * One key for both pages: the reports need logs:read (GET /v1/account answers), the webhook pages
 * webhooks:read (the webhook API's endpoint list answers). A key is accepted when either does, and
 * sees only the pages its scopes open.
 */
async function signIn(settings) {
  let message = '';
  for (;;) {
    const key = sessionStorage.getItem(KEY) ?? (await askForKey(message));
    const candidate = new Api(key);
    const account = await probe(candidate, '/v1/account');
    const webhooks = refused(account) || !settings.webhook_api ? { ok: false, error: undefined } : await probe(candidate, '/webhook-api/v1/endpoints', { limit: 1 });
    // A webhook API that does not answer still gets its page, which then says so; a missing scope does not.
    const webhooksOpen = webhooks.ok || (webhooks.error instanceof ApiError && webhooks.error.status === 502);
    if (!refused(account) && !refused(webhooks) && (account.ok || webhooksOpen)) {
      sessionStorage.setItem(KEY, key);
      return { api: candidate, account: account.ok ? account.value : null, key, reports: account.ok, webhooks: webhooksOpen };
    }
    sessionStorage.removeItem(KEY);
    if (refused(account) || refused(webhooks)) message = 'That key was not accepted.';
    else if (account.error instanceof ApiError && account.error.status === 403) message = settings.webhook_api ? 'That key holds neither logs:read nor webhooks:read.' : 'That key lacks logs:read.';
    else message = (account.error ?? webhooks.error)?.message ?? 'sign-in failed';
  }
}

function showFreshness(freshness) {
  const badge = document.getElementById('freshness');
  badge.className = `freshness ${freshness.status}`;
  const newest = freshness.newest_event_at === null ? 'no events in the last days' : `newest event ${formatDuration(Date.now() - Date.parse(freshness.newest_event_at))} ago`;
  badge.textContent =
    freshness.status === 'current' ? `Up to date · ${newest}` : freshness.status === 'behind' ? `Behind by ${formatDuration(freshness.lag_ms)} · ${newest}` : `Freshness unknown · ${newest}`;
  badge.title = `checked ${freshness.checked_at}; newest recorded ${freshness.newest_recorded_at ?? '–'}; last pipeline delay ${formatDuration(freshness.last_pipeline_delay_ms)}`;
  badge.dataset.status = freshness.status;
}

async function refresh() {
  const mine = ++generation;
  errorLine.textContent = '';
  const filters = readFilters(form);
  const reports = document.body;
  reports.dataset.loading = 'true';
  try {
    // Failures by reason: the selected results other than success (none selected means all).
    const failures = (filters.results.length === 0 ? ['denied', 'fraud'] : filters.results).filter((result) => result !== 'success');
    const noFailures = { items: [], other: { events: 0 }, missing: { events: 0 } };
    const [volume, reasons, users, applications, factors, outOfDate] = await Promise.all([
      api.get('/v1/reports/volume', paramsFor('volume', filters)),
      failures.length === 0 ? noFailures : api.get('/v1/reports/breakdown', { ...paramsFor('breakdown', filters), by: 'reason', results: failures }),
      api.get('/v1/reports/distinct-users', paramsFor('distinct-users', filters)),
      api.get('/v1/reports/breakdown', { ...paramsFor('breakdown', filters), by: 'application' }),
      api.get('/v1/reports/breakdown', { ...paramsFor('breakdown', filters), by: 'factor' }),
      api.get('/v1/reports/out-of-date', paramsFor('out-of-date', filters)),
      table.load(paramsFor('log', filters)),
      completeness.load({ from: filters.from, to: filters.to, tz: filters.tz }, filters.tz || timeZone),
    ]);
    if (mine !== generation) return;
    document.getElementById('total-events').textContent = formatCount(volume.total.total);
    document.getElementById('total-success').textContent = formatCount(volume.total.success);
    document.getElementById('total-failures').textContent = formatCount(volume.total.denied + volume.total.fraud);
    document.getElementById('distinct-users').textContent = `${users.distinct.exact ? '' : '≈ '}${formatCount(users.total.distinct_users)}`;
    document.getElementById('distinct-users').dataset.value = String(users.total.distinct_users);
    document.getElementById('distinct-note').textContent = users.distinct.exact ? 'exact' : 'approximate (HyperLogLog)';
    document.getElementById('ood-events').textContent = formatCount(outOfDate.total.events);
    document.getElementById('volume-interval').textContent = `per ${volume.interval}`;
    drawVolume(volume);
    drawBreakdown('chart-reasons', reasons);
    drawDistinctUsers(users);
    drawBreakdown('chart-applications', applications);
    drawBreakdown('chart-factors', factors, 'doughnut');
    fillSelect(document.getElementById('application'), applications.items);
    fillSelect(document.getElementById('factor'), factors.items);
    showFreshness(volume.freshness);
  } catch (error) {
    showError(error);
  } finally {
    if (mine === generation) reports.dataset.loading = 'false';
  }
}

/** Exports stream from the server straight to disk through a short-lived signed link (no key in the URL). */
async function exportAs(format) {
  try {
    const filters = readFilters(form);
    const link = await api.post('/v1/logs/export-links', { ...paramsFor('log', filters), format });
    const anchor = document.createElement('a');
    anchor.href = link.url;
    anchor.download = '';
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
  } catch (error) {
    showError(error);
  }
}

function showPage(name) {
  for (const page of ['reports', 'webhooks']) {
    document.getElementById(`${page}-page`).hidden = page !== name;
    document.getElementById(`tab-${page}`).setAttribute('aria-pressed', String(page === name));
  }
}

async function startReports(session) {
  const traces = new TraceView(api);
  timeZone = session.account.time_zone;
  completeness = new CompletenessView(api, session.key, { onError: showError });
  table = new LogTable(api, { pageSize: 50, onError: showError, onTrace: (txid, timeZone) => traces.show(txid, timeZone) });
  initialiseForm(form, session.account.time_zone);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void refresh();
  });
  document.getElementById('export-csv').addEventListener('click', () => void exportAs('csv'));
  document.getElementById('export-ndjson').addEventListener('click', () => void exportAs('ndjson'));
  await refresh();
}

async function main() {
  const session = await signIn(await panelSettings());
  api = session.api;
  document.getElementById('account-name').textContent = session.account === null ? 'webhooks' : `${session.account.display_name} (${session.account.account_id})`;
  document.getElementById('sign-out').hidden = false;
  document.getElementById('sign-out').addEventListener('click', signOut);
  document.getElementById('tabs').hidden = false;
  document.getElementById('tab-reports').hidden = !session.reports;
  document.getElementById('tab-webhooks').hidden = !session.webhooks;
  if (!session.reports) document.getElementById('freshness').hidden = true;
  let webhooks;
  const openWebhooks = () => {
    showPage('webhooks');
    webhooks ??= startWebhooks(api, { onSignOut: signOut });
  };
  document.getElementById('tab-reports').addEventListener('click', () => showPage('reports'));
  document.getElementById('tab-webhooks').addEventListener('click', openWebhooks);
  if (session.reports) {
    showPage('reports');
    await startReports(session);
  } else openWebhooks();
}

void main();
