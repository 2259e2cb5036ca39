import { Api, ApiError } from './api.js';
import { drawBreakdown, drawDistinctUsers, drawVolume } from './charts.js';
import { fillSelect, initialiseForm, paramsFor, readFilters } from './filters.js';
import { formatCount, formatDuration } from './format.js';
import { LogTable } from './log-table.js';
import { TraceView } from './trace-view.js';
import { CompletenessView } from './completeness-view.js';

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

async function signIn() {
  let message = '';
  for (;;) {
    const key = sessionStorage.getItem(KEY) ?? (await askForKey(message));
    try {
      const candidate = new Api(key);
      const account = await candidate.get('/v1/account');
      sessionStorage.setItem(KEY, key);
      return { api: candidate, account, key };
    } catch (error) {
      sessionStorage.removeItem(KEY);
      message = error instanceof ApiError && error.status === 401 ? 'That key was not accepted.' : error.message;
    }
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

async function main() {
  const session = await signIn();
  api = session.api;
  document.getElementById('account-name').textContent = `${session.account.display_name} (${session.account.account_id})`;
  document.getElementById('sign-out').hidden = false;
  document.getElementById('sign-out').addEventListener('click', signOut);
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

void main();
