import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from './support/csv-parse.js';
import { startReportsFixture, type ReportsFixture } from './support/reports-fixture.js';

/**
 * The Admin Panel in a real browser (Debian's chromium through playwright-core): sign in with an API
 * key, click through the filters, and check the numbers on screen against the API and SQL.
 */
const SCREENSHOTS = resolve(import.meta.dirname, '..', '..', 'test-results');
let fixture: ReportsFixture;
let context: BrowserContext;
let page: Page;
let profile: string;
let account: string;
const errors: string[] = [];

beforeAll(async () => {
  fixture = await startReportsFixture({ events: 2_500, seed: 5 });
  account = fixture.dataset.accounts[0]!.accountId; // America/New_York
  profile = await mkdtemp(join(tmpdir(), 'authlog-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1400, height: 1800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
});

afterAll(async () => {
  await context?.close();
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
  await fixture?.close();
});

const count = async (where: ReturnType<typeof sql>) =>
  Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM authlog WHERE account_id = ${account} AND ${where}`.execute(fixture.database.db)).rows[0]?.n);
/** Local New York dates of October 2026 (the panel's "To" is inclusive). */
const october = sql`CONVERT_TZ(occurred_at, 'UTC', 'America/New_York') >= '2026-10-01' AND CONVERT_TZ(occurred_at, 'UTC', 'America/New_York') < '2026-11-01'`;
const number = async (testId: string) => Number((await page.getByTestId(testId).textContent())?.replace(/[^0-9]/g, ''));

/** Runs in the page (the test's TypeScript has no DOM types, and the panel's CSP forbids string eval). */
const panelLoaded = () => (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset.loading === 'false';

async function apply() {
  await page.click('#apply');
  await page.waitForFunction(panelLoaded);
}

describe('Admin Panel', () => {
  it('asks for the API key, then shows the account, its time zone and the freshness', async () => {
    await page.goto(`${fixture.baseUrl}/`);
    await page.fill('#key-input', 'alk_wrong');
    await page.click('#key-form button[type=submit]');
    await expect.poll(() => page.textContent('#key-error')).toContain('not accepted');
    await page.fill('#key-input', fixture.tokens.get(account)!);
    await page.click('#key-form button[type=submit]');
    await page.waitForFunction(panelLoaded);
    expect(await page.getByTestId('account-name').textContent()).toContain(account);
    expect(await page.inputValue('#tz')).toBe('America/New_York');
    expect(await page.getByTestId('freshness').getAttribute('data-status')).toBe('current');
  });

  it('shows October in New York time: totals, distinct users and out-of-date denials equal SQL', async () => {
    await page.fill('#from', '2026-10-01');
    await page.fill('#to', '2026-10-31');
    await apply();
    expect(await number('total-events')).toBe(await count(october));
    expect(await number('total-success')).toBe(await count(sql`${october} AND result = 'success'`));
    expect(await number('total-failures')).toBe(await count(sql`${october} AND result <> 'success'`));
    expect(await number('ood-events')).toBe(await count(sql`${october} AND reason = 'out_of_date'`));
    const api = await fixture.get('/v1/reports/distinct-users', { from: '2026-10-01', to: '2026-11-01' }, fixture.tokens.get(account));
    expect(await page.getByTestId('distinct-users').getAttribute('data-value')).toBe(String(api.body.total.distinct_users));
    expect(await page.getByTestId('distinct-users').textContent()).toMatch(/^≈ /);

    await page.check('#exact');
    await apply();
    const exact = await sql<{ n: number }>`SELECT COUNT(DISTINCT user_key) AS n FROM authlog WHERE account_id = ${account} AND ${october} AND result = 'success' AND event_type = 'authentication'`.execute(fixture.database.db);
    expect(await page.getByTestId('distinct-users').textContent()).toBe(new Intl.NumberFormat('en-US').format(Number(exact.rows[0]?.n)));
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'reports-panel-october.png'), fullPage: true });
  });

  it('filters by result and application change every number accordingly', async () => {
    await page.uncheck('input[name=results][value=success]');
    await apply();
    expect(await number('total-events')).toBe(await count(sql`${october} AND result <> 'success'`));
    expect(await number('total-success')).toBe(0);

    await page.check('input[name=results][value=success]');
    await page.selectOption('#application', 'DI2');
    await apply();
    expect(await number('total-events')).toBe(await count(sql`${october} AND application_key = 'DI2'`));
    expect(await page.getByTestId('log-info').textContent()).toContain(`of ${new Intl.NumberFormat('en-US').format(await count(sql`${october} AND application_key = 'DI2'`))}`);
    const rows = await page.locator('[data-testid=log-rows] tr').count();
    expect(rows).toBe(Math.min(50, await count(sql`${october} AND application_key = 'DI2'`)));
    for (const text of await page.locator('[data-testid=log-rows] tr td:nth-child(3)').allTextContents()) expect(text).toBe('Salesforce');
  });

  it('pages through the log with Older and Newer, in the order of the API', async () => {
    await page.selectOption('#application', '');
    await apply();
    const api = await fixture.get('/v1/logs', { from: '2026-10-01', to: '2026-11-01', limit: 100 }, fixture.tokens.get(account));
    const txids = async () => page.locator('[data-testid=log-rows] tr').evaluateAll((rows) => rows.map((row) => (row as unknown as { dataset: { txid?: string } }).dataset.txid));
    expect(await txids()).toEqual(api.body.items.slice(0, 50).map((event: { txid: string }) => event.txid));
    await page.click('#older');
    await expect.poll(txids).toEqual(api.body.items.slice(50, 100).map((event: { txid: string }) => event.txid));
    expect(await page.getByTestId('log-info').textContent()).toMatch(/^events 51–100 of /);
    await page.click('#newer');
    await expect.poll(txids).toEqual(api.body.items.slice(0, 50).map((event: { txid: string }) => event.txid));
  });

  it('exports the filtered log as CSV through a download link', async () => {
    await page.uncheck('input[name=results][value=success]');
    await apply();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^authlog-${account}-2026-10-01-2026-10-31\\.csv$`));
    const records = parseCsv(await readFile((await download.path())!, 'utf8'));
    expect(records.length - 1).toBe(await count(sql`${october} AND result <> 'success'`));
    for (const record of records.slice(1)) expect(['denied', 'fraud']).toContain(record[3]);
    await page.screenshot({ path: join(SCREENSHOTS, 'reports-panel-failures.png'), fullPage: true });
  });

  it('opens the trace of an event from its log row (issue 17)', async () => {
    const first = page.locator('[data-testid=log-rows] tr').first();
    const txid = await first.evaluate((row) => (row as unknown as { dataset: { txid?: string } }).dataset.txid);
    await first.getByTestId('trace-link').click();
    await expect.poll(async () => page.getByTestId('trace-body').textContent()).toContain('Committed (Authlog)');
    expect(await page.locator('#trace-title').textContent()).toBe(`Event ${txid}`);
    const statuses = await page.getByTestId('trace-body').getByTestId('trace-status').allTextContents();
    const api = await fixture.get(`/v1/events/${txid}/trace`, {}, fixture.tokens.get(account));
    expect(statuses.slice(0, 3)).toEqual([api.body.committed.status, api.body.published.status, api.body.indexed.status].map((status: string) => status.replaceAll('_', ' ')));
    expect(statuses[0]).toBe('done');
    await page.click('#trace-close');
  });

  it('shows the completeness ledger of the range and exports it as CSV (issue 17)', async () => {
    // The fixture's hours were never filled by a ledger job: all of October is open, nothing is claimed complete.
    await apply();
    expect(await page.getByTestId('completeness-summary').textContent()).toMatch(/^0 complete, 0 repaired, 0 being repaired, 0 with a gap, \d+ open \(the ledger has not run yet\)$/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#completeness-csv')]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^completeness-${account}-.*\\.csv$`));
    expect((await readFile((await download.path())!, 'utf8')).split('\n')[0]).toBe(
      'hour_start,status,committed,indexed,documents_missing,documents_repaired,endpoint_id,matched,settled,deliveries_missing,deliveries_requeued,endpoint_status',
    );
  });

  it('loads without errors (no CSP violations, no failed requests)', () => {
    expect(errors).toEqual([expect.stringContaining('401')]); // the wrong key of the first test, and nothing else
  });
});
