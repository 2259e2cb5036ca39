import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where the panel tests leave their screenshots for a reviewer (gitignored). */
export const SCREENSHOTS = resolve(import.meta.dirname, '..', '..', '..', 'test-results');

export interface PanelBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and page errors seen so far (a CSP violation shows up here). */
  readonly errors: string[];
  close(): Promise<void>;
}

/**
 * Debian's chromium (playwright-core) in a throwaway profile, in UTC, accepting confirm() dialogs,
 * collecting the page's console and page errors.
 */
export async function launchPanelBrowser(options: { readonly viewport?: { width: number; height: number } } = {}): Promise<PanelBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'authlog-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    timezoneId: 'UTC',
    viewport: options.viewport ?? { width: 1500, height: 1100 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('dialog', (dialog) => void dialog.accept());
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await mkdir(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    errors,
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}
