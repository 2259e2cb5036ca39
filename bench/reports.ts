import { ALL_SCOPES } from '../shared/auth/scopes.js';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import { AccountStore } from '../services/reports/src/accounts/account-store.js';
import { breakdownReport, BREAKDOWN_DIMENSIONS } from '../services/reports/src/reports/breakdown-report.js';
import { distinctUsersReport } from '../services/reports/src/reports/distinct-users-report.js';
import { outOfDateReport } from '../services/reports/src/reports/out-of-date-report.js';
import type { ReportContext } from '../services/reports/src/reports/report-context.js';
import { chooseInterval } from '../services/reports/src/reports/volume-interval.js';
import { volumeReport } from '../services/reports/src/reports/volume-report.js';
import { authLogPage } from '../services/reports/src/auth-log/auth-log-page.js';
import { NO_FILTERS, type EventScope } from '../services/reports/src/search/event-scope.js';
import { EventSearch } from '../services/reports/src/search/event-search.js';
import { startOfLocalDay } from '../services/reports/src/params/zoned-time.js';
import { ApiKeyStore } from '../shared/auth/api-key-store.js';
import { createScratchDatabase } from '../testing/scratch-database.js';
import { createElasticsearch } from '../shared/elasticsearch/create-elasticsearch.js';
import { toEventDocument } from '../shared/elasticsearch/event-document.js';
import { eventIndexNames, monthlyIndexFor, type EventIndexNames } from '../shared/elasticsearch/event-index.js';
import { ensureEventTemplate } from '../shared/elasticsearch/event-template.js';
import { parseAuthEvent } from '../shared/event/parse-auth-event.js';
import { AuthSimulator } from '../shared/simulation/auth-simulator.js';
import { SeededRandom } from '../shared/simulation/random.js';
import type { Bench, BenchFigures } from './support/bench-context.js';
import { benchSettings } from './support/bench-settings.js';
import { quantile, round } from './support/stats.js';
import { mysqlConnection } from '../shared/db/mysql-connection.js';
import { elasticsearchConnection } from '../shared/elasticsearch/elasticsearch-connection.js';

/**
 * reports: p50/p95 latency of each report through the HTTP API (the compiled service, as a child
 * process), over 1,000,000 events (quick: 200,000) across 100 accounts and 90 days, bulk-loaded
 * straight into a fresh index prefix (setup, not measured). Baseline, side by side and interleaved:
 * the same report computed in this process straight on Elasticsearch (same queries, no HTTP, no API
 * key check, no validation, no freshness probe), so api/baseline is the API's own overhead.
 * Each request draws its own account and range (7, 30 or 90 local days ending on one of the last 10
 * days), never the same twice, so Elasticsearch's request cache answers none. Goal: p95 <= 300 ms.
 */
const ACCOUNTS = 100;
const DAYS = 90;
const ZONES = ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Sydney', 'UTC', 'America/Los_Angeles', 'Asia/Tokyo'];
const END_DAY = '2026-11-25';

export const reportsBench: Bench = async ({ quick, log }) => {
  const events = quick ? 200_000 : 1_000_000;
  const iterations = quick ? 40 : 100;
  const scratch = await createScratchDatabase({ server: mysqlConnection(benchSettings), prefix: 'authlog_bench' });
  const elasticsearch = createElasticsearch({ connection: elasticsearchConnection(benchSettings), requestTimeoutMs: 120_000 });
  const names = eventIndexNames(`bench-reports-${Date.now().toString(36)}`);
  const simulator = new AuthSimulator({ accounts: ACCOUNTS, usersPerAccount: 5_000, seed: 3, accountPrefix: 'bench_' });
  const accounts = simulator.accountIds().map((accountId, index) => ({ accountId, timeZone: ZONES[index % ZONES.length]! }));
  let service: ReturnType<typeof spawn> | undefined;
  try {
    const loadStarted = performance.now();
    await bulkLoad(elasticsearch, names, simulator, events, log);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const store = new AccountStore(scratch.db as never);
    const keys = new ApiKeyStore(scratch.db);
    const tokens = new Map<string, string>();
    for (const account of accounts) {
      await store.upsert({ ...account, displayName: account.accountId });
      tokens.set(account.accountId, (await keys.create(account.accountId, 'bench', ALL_SCOPES)).token);
    }
    const port = await freePort();
    service = spawn(process.execPath, [resolve(import.meta.dirname, '..', 'services', 'reports', 'src', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', AUTHLOG_MYSQL_URL: scratch.url, AUTHLOG_ES_URL: benchSettings.AUTHLOG_ES_URL, REPORTS_PORT: String(port), OPS_PORT: '0', REPORTS_INDEX_PREFIX: names.prefix, LOG_LEVEL: 'warn', REPORTS_MAX_RANGE_DAYS: '120',
        // The limiter's Redis round trips are measured; its refusals are not what this bench is about.
        AUTHLOG_REDIS_URL: benchSettings.AUTHLOG_REDIS_URL, REPORTS_REDIS_PREFIX: names.prefix, REPORTS_RATE_PER_KEY: '1000000' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await waitForPort(port);

    const search = new EventSearch(elasticsearch, names, { requestTimeoutMs: 120_000 });
    const settings = { precisionThreshold: 40_000, compositePageSize: 10_000, termsShardSize: 500 };
    const reports = reportCases();
    const generator = new SeededRandom(99);
    const random = () => generator.next();
    const draws = new Draws(accounts, random);
    const figures: BenchFigures = { events, accounts: ACCOUNTS, days: DAYS, iterations, load_seconds: round(loadSeconds), goal_p95_ms: 300 };
    let worstP95 = 0;
    let worstReport = '';
    let worstBaselineP95 = 0;
    for (const [name, report] of Object.entries(reports)) {
      const api: number[] = [];
      const baseline: number[] = [];
      for (let iteration = -3; iteration < iterations; iteration += 1) {
        const first = iteration % 2 === 0 ? 'api' : 'baseline'; // alternate, so neither always runs on a warmer machine
        for (const side of [first, first === 'api' ? 'baseline' : 'api']) {
          // Every request its own (account, range): Elasticsearch's request cache never answers for it.
          const { account, days, endDay } = draws.next();
          const scope: EventScope = { accountId: account.accountId, filters: report.forced, range: localRange(days, endDay, account.timeZone) };
          const query = { ...report.params(random), from: addDays(endDay, 1 - days), to: addDays(endDay, 1) };
          const started = performance.now();
          if (side === 'api') await callApi(port, report.path, query, tokens.get(account.accountId)!);
          else await report.baseline({ search, scope, settings }, query);
          if (iteration >= 0) (side === 'api' ? api : baseline).push(performance.now() - started); // 3 warm-up rounds
        }
      }
      const p95 = quantile(api, 0.95);
      // Exact mode included: it is a report a customer can ask for, so it is held to the same goal.
      if (p95 > worstP95) {
        worstP95 = p95;
        worstReport = name;
        worstBaselineP95 = quantile(baseline, 0.95);
      }
      Object.assign(figures, {
        [`${name}_p50_ms`]: round(quantile(api, 0.5)),
        [`${name}_p95_ms`]: round(p95),
        [`${name}_baseline_p50_ms`]: round(quantile(baseline, 0.5)),
        [`${name}_baseline_p95_ms`]: round(quantile(baseline, 0.95)),
        [`${name}_api_over_baseline_p50`]: round(quantile(api, 0.5) / quantile(baseline, 0.5)),
      });
      log(`${name}: api p50 ${figures[`${name}_p50_ms`]} ms p95 ${round(p95)} ms; baseline p50 ${figures[`${name}_baseline_p50_ms`]} ms`);
    }
    figures.worst_p95_ms = round(worstP95);
    figures.worst_p95_report = worstReport;
    figures.worst_p95_baseline_ms = round(worstBaselineP95);
    figures.goal_met = worstP95 <= 300;
    figures.export_events_per_s = await measureExport(port, accounts[0]!.accountId, tokens, log);
    return figures;
  } finally {
    service?.kill('SIGTERM');
    await elasticsearch.indices.delete({ index: names.pattern, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
    await elasticsearch.indices.deleteIndexTemplate({ name: names.templateName }).catch(() => undefined);
    await elasticsearch.close();
    await scratch.drop();
  }
};

type Query = Record<string, string>;
interface ReportCase {
  readonly path: string;
  readonly forced: EventScope['filters'];
  readonly params: (random: () => number) => Query;
  readonly baseline: (context: ReportContext, query: Query) => Promise<unknown>;
}

function reportCases(): Record<string, ReportCase> {
  const success = { ...NO_FILTERS, results: ['success' as const], eventTypes: ['authentication' as const] };
  const outOfDate = { ...NO_FILTERS, reasons: ['out_of_date' as const] };
  return {
    distinct_users: { path: '/v1/reports/distinct-users', forced: success, params: () => ({}), baseline: (context) => distinctUsersReport(context, false) },
    out_of_date: { path: '/v1/reports/out-of-date', forced: outOfDate, params: () => ({}), baseline: (context) => outOfDateReport(context, { exact: false, top: 10 }) },
    volume: { path: '/v1/reports/volume', forced: NO_FILTERS, params: () => ({}), baseline: (context) => volumeReport(context, chooseInterval(context.scope.range, 'auto', 1000), 'auto') },
    breakdown: {
      path: '/v1/reports/breakdown',
      forced: NO_FILTERS,
      params: (random) => ({ by: BREAKDOWN_DIMENSIONS[Math.floor(random() * BREAKDOWN_DIMENSIONS.length)]! }),
      baseline: (context, query) => breakdownReport(context, query.by as (typeof BREAKDOWN_DIMENSIONS)[number], 10),
    },
    auth_log_page: { path: '/v1/logs', forced: NO_FILTERS, params: () => ({ limit: '100' }), baseline: (context) => authLogPage(context.search, context.scope, { limit: 100, order: 'desc', totalLimit: 10_000 }) },
    exact_distinct_users: { path: '/v1/reports/distinct-users', forced: success, params: () => ({ exact: 'true' }), baseline: (context) => distinctUsersReport(context, true) },
  };
}

async function bulkLoad(elasticsearch: Client, names: EventIndexNames, simulator: AuthSimulator, total: number, log: (message: string) => void) {
  await ensureEventTemplate(elasticsearch, names, { refreshInterval: '-1' });
  const from = new Date(`${addDays(END_DAY, 1 - DAYS)}T00:00:00Z`);
  const to = new Date(`${addDays(END_DAY, 1)}T00:00:00Z`);
  const indexedAt = new Date();
  const batch = 5_000;
  let inFlight: Promise<unknown> = Promise.resolve();
  for (let done = 0; done < total; done += batch) {
    const operations = Array.from({ length: Math.min(batch, total - done) }, () => {
      const event = parseAuthEvent(simulator.next(simulator.timestampBetween(from, to)));
      return [{ index: { _index: monthlyIndexFor(names, event.timestamp), _id: event.txid, routing: event.account_id } }, toEventDocument(event, indexedAt)];
    }).flat();
    await inFlight; // one bulk in flight while the next is generated
    inFlight = elasticsearch.bulk({ operations }).then((response) => {
      if (response.errors) throw new Error('bulk load failed');
    });
    if ((done / batch) % 40 === 0) log(`loaded ${done} of ${total}`);
  }
  await inFlight;
  await elasticsearch.indices.putSettings({ index: names.pattern, settings: { refresh_interval: '1s' } });
  await elasticsearch.indices.refresh({ index: names.pattern });
  await elasticsearch.indices.forcemerge({ index: names.pattern, max_num_segments: 1 });
}

async function measureExport(port: number, accountId: string, tokens: Map<string, string>, log: (message: string) => void): Promise<number> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/v1/logs/export?format=csv&from=${addDays(END_DAY, -29)}&to=${addDays(END_DAY, 1)}`, { headers: { authorization: `Bearer ${tokens.get(accountId)}` } });
  let rows = 0;
  for await (const chunk of response.body ?? []) rows += (Buffer.from(chunk as Uint8Array).toString().match(/\r\n/g) ?? []).length;
  const perSecond = round((rows - 1) / ((performance.now() - started) / 1000));
  log(`export: ${rows - 1} events of the largest account over 30 days, ${perSecond} events/s`);
  return perSecond;
}

async function callApi(port: number, path: string, query: Query, token: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}${path}?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${body.slice(0, 300)}`);
}

function localRange(days: number, endDay: string, timeZone: string) {
  return { fromMs: startOfLocalDay(addDays(endDay, 1 - days), timeZone), toMs: startOfLocalDay(addDays(endDay, 1), timeZone), timeZone };
}

/** (account, 7/30/90 days, last day) combinations in random order, none drawn twice: 100 x 3 x 10 = 3,000. */
class Draws {
  #combinations: { account: { accountId: string; timeZone: string }; days: number; endDay: string }[] = [];

  constructor(accounts: readonly { accountId: string; timeZone: string }[], random: () => number) {
    for (const account of accounts) for (const days of [7, 30, 90]) for (let shift = 0; shift < 10; shift += 1) this.#combinations.push({ account, days, endDay: addDays(END_DAY, -shift) });
    for (let index = this.#combinations.length - 1; index > 0; index -= 1) {
      const other = Math.floor(random() * (index + 1));
      [this.#combinations[index], this.#combinations[other]] = [this.#combinations[other]!, this.#combinations[index]!];
    }
  }

  next() {
    const next = this.#combinations.pop();
    if (next === undefined) throw new Error('out of distinct (account, range) combinations');
    return next;
  }
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      await fetch(`http://127.0.0.1:${port}/panel/`);
      return;
    } catch {
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  throw new Error('the reports service did not start');
}

export default reportsBench;
