import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Renders a page that draws with Chart.js (served from node_modules) and returns a PNG of it. */
export async function renderChartPng(html: string): Promise<Buffer> {
  // chart.js exports only its module entry; the UMD build for a plain <script> sits beside it.
  const chartJs = await readFile(resolve(dirname(fileURLToPath(import.meta.resolve('chart.js'))), 'chart.umd.min.js'), 'utf8');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 760 } });
    await page.route('**/chart.js', (route) => route.fulfill({ body: chartJs, contentType: 'text/javascript' }));
    await page.route('http://bench.local/', (route) => route.fulfill({ body: html, contentType: 'text/html' }));
    await page.goto('http://bench.local/');
    await page.waitForFunction(() => (globalThis as unknown as { chartsDone?: boolean }).chartsDone === true);
    return await page.screenshot({ fullPage: true });
  } finally {
    await browser.close();
  }
}
