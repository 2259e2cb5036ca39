import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/unique-name.js';
import { ApiClient } from '../webhooks/support/api-client.js';
import { Receiver } from '../webhooks/support/receiver.js';
import { launchPanelBrowser, SCREENSHOTS, type PanelBrowser } from './support/panel-browser.js';
import { startWebhookPanelStack, type WebhookPanelStack } from './support/webhook-panel-stack.js';

/**
 * The Admin Panel's "Operational endpoint" section in Debian's chromium against the real reports
 * service, webhook API and dispatcher: registered in the panel, it receives a signed endpoint.disabled
 * when an endpoint answers 410, and the panel lists that notice's attempt. Checked by effect (what the
 * receiver got, what the webhook API answers). Screenshot: test-results/webhooks-operational.png.
 */
let stack: WebhookPanelStack;
let ops: Receiver;
let gone: Receiver;
let browser: PanelBrowser;
let page: Page;
let client: ApiClient;
const account = uniqueName('acct');
/** The panel's changes to the operational endpoint as sent: method and Idempotency-Key. */
const changes: { method: string; key: string | undefined }[] = [];
const state: { secret?: string; goneId?: string } = {};

beforeAll(async () => {
  stack = await startWebhookPanelStack();
  ops = await Receiver.start();
  gone = await Receiver.start(() => ({ status: 410 }));
  browser = await launchPanelBrowser();
  page = browser.page;
  page.on('request', (request) => {
    if (request.url().includes('/webhook-api/v1/operational-endpoint') && request.method() !== 'GET') changes.push({ method: request.method(), key: request.headers()['idempotency-key'] });
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ops?.close();
  await gone?.close();
  await stack?.close();
});

/** Runs in the page (no DOM types in the test's TypeScript; the CSP forbids string eval). */
const isLoaded = (id: string) => (globalThis as unknown as { document: { getElementById(id: string): { dataset: Record<string, string> } | null } }).document.getElementById(id)?.dataset.loading === 'false';
const loaded = (id: string) => page.waitForFunction(isLoaded, id);
const info = () => page.getByTestId('operational-info').textContent();
const operational = async () => (await client.call('GET', '/v1/operational-endpoint')).body;

async function refresh() {
  await page.click('#operational-refresh');
  await loaded('operational');
}

describe('Admin Panel: operational endpoint', () => {
  it('shows none registered, then registers one: its secret shown once in the dismissable box, its URL, state and creation listed', async () => {
    const token = await stack.key(account, ['webhooks:read', 'webhooks:write']);
    client = new ApiClient(stack.webhookApi.baseUrl, account, token);
    await page.goto(`${stack.baseUrl}/`);
    await page.fill('#key-input', token);
    await page.click('#key-form button[type=submit]');
    await loaded('operational');
    expect(await info()).toBe('none registered');
    expect(await page.isDisabled('#operational-rotate')).toBe(true);

    await page.fill('#op-url', ops.url('/ops'));
    await page.click('#operational-save');
    await expect.poll(() => page.getByTestId('secret-value').textContent()).toMatch(/^whsec_/);
    state.secret = (await page.getByTestId('secret-value').textContent())!;
    expect(await page.textContent('#secret-what')).toContain(ops.url('/ops'));
    await expect.poll(info).toMatch(/^enabled · created \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(await page.getByTestId('operational-url').textContent()).toBe(ops.url('/ops'));
    expect(await operational()).toMatchObject({ url: ops.url('/ops'), enabled: true });
    await page.click('#secret-dismiss');
    expect(await page.isVisible('#secret-box')).toBe(false);
    expect(await page.evaluate(() => JSON.stringify((globalThis as unknown as { localStorage: Record<string, unknown> }).localStorage))).not.toContain('whsec_');
  });

  it('an endpoint answering 410 is disabled: the operational endpoint gets a signed endpoint.disabled, and the panel lists its attempt', async () => {
    state.goneId = (await client.call('POST', '/v1/endpoints', { url: gone.url('/gone') })).body.id as string;
    await page.click('#endpoints-refresh');
    await loaded('webhooks-page');
    await page.locator(`[data-testid=endpoint-rows] tr[data-endpoint-id="${state.goneId}"]`).getByRole('button', { name: /^Send test/ }).click();
    const [notice] = await ops.waitFor(1);
    expect(new Webhook(state.secret!).verify(notice!.body, notice!.headers as Record<string, string>)).toMatchObject({ type: 'endpoint.disabled', data: { endpoint_id: state.goneId, reason: 'endpoint_gone' } });

    const rows = page.locator('[data-testid=operational-rows] tr');
    await expect.poll(async () => {
      await refresh();
      return rows.count();
    }, { timeout: 10_000 }).toBe(1);
    expect(await rows.first().getByTestId('notice-type').textContent()).toBe('endpoint.disabled');
    expect(await rows.first().getByTestId('notice-outcome').textContent()).toBe('success');
    expect(await rows.first().getByTestId('notice-status').textContent()).toBe('200');
    expect(await rows.first().textContent()).toContain(String(notice!.headers['webhook-id']));
    // The endpoint list shows the disable the notice was about.
    await page.click('#endpoints-refresh');
    await loaded('webhooks-page');
    expect(await page.locator(`[data-testid=endpoint-rows] tr[data-endpoint-id="${state.goneId}"]`).getAttribute('data-state')).toBe('disabled');
    // The deliveries opened by "Send test" before its attempt was written: look again for the screenshot.
    await page.click('#deliveries-refresh');
    await loaded('deliveries');
    expect(await page.locator('#attempt-rows tr').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'webhooks-operational.png'), fullPage: true });
  });

  it('replaces the URL (the secret kept, none shown), rotates the secret, and deletes the endpoint', async () => {
    const { id } = await operational();
    await page.fill('#op-url', ops.url('/ops2'));
    await page.uncheck('#op-enabled');
    await page.click('#operational-save');
    await expect.poll(async () => (await operational()).url).toBe(ops.url('/ops2'));
    expect(await operational()).toMatchObject({ id, enabled: false });
    await expect.poll(info).toMatch(/^disabled · /);
    expect(await page.isVisible('#secret-box')).toBe(false);

    await page.click('#operational-rotate');
    await expect.poll(() => page.getByTestId('secret-value').textContent()).toMatch(/^whsec_/);
    expect(await page.getByTestId('secret-value').textContent()).not.toBe(state.secret);
    await page.click('#secret-dismiss');

    await page.click('#operational-delete');
    await expect.poll(info).toBe('none registered');
    expect((await client.call('GET', '/v1/operational-endpoint')).status).toBe(404);
    expect(await page.locator('[data-testid=operational-rows] tr').count()).toBe(0);
    // Every change went through the proxy, each POST and PUT with its own Idempotency-Key, and is audited.
    expect(changes.map((change) => change.method)).toEqual(['PUT', 'PUT', 'POST', 'DELETE']);
    const keys = changes.filter((change) => change.method !== 'DELETE').map((change) => change.key);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(keys.length);
    const admin = new ApiClient(stack.webhookApi.baseUrl, account, await stack.key(account, ['keys:admin']));
    const audit = (await admin.call('GET', '/v1/audit-log?limit=20')).body.data as { action: string }[];
    expect(audit.map((entry) => entry.action).filter((action) => action.startsWith('operational_endpoint')).reverse()).toEqual([
      'operational_endpoint.put',
      'operational_endpoint.put',
      'operational_endpoint.secret.rotate',
      'operational_endpoint.delete',
    ]);
  });

  it('loads without errors (no CSP violations, no failed requests but the expected ones)', () => {
    // 404: the operational endpoint before one is registered and after the delete; 403: the sign-in's probes of the reports.
    expect(browser.errors.filter((error) => !/status of (403|404)/.test(error))).toEqual([]);
  });
});
