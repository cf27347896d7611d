import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { renderHtml } from '../../shared/report/html.js';
import { CHROMIUM, CHROMIUM_PATH, describeWithTool } from '../support/tool-suite.js';
import { sampleReport } from './sample-report.js';

/** Kept after the run (gitignored): the page and what it looked like. */
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/report');

describeWithTool(CHROMIUM, 'the HTML report in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH });
  });
  afterAll(() => browser?.close());

  it('renders every chart with no console error and no request but the page itself', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'sample-report.html');
    writeFileSync(file, renderHtml(await sampleReport()));
    const url = pathToFileURL(file).href;

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    // Anything but the page itself is refused, so a stray fetch fails the test rather than the network.
    await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));

    await page.goto(url, { waitUntil: 'load' });
    const charts = await page.locator('svg.chart').all();
    expect(charts).toHaveLength(5);
    for (const chart of charts) {
      const box = await chart.boundingBox();
      expect(box?.width).toBeGreaterThan(0);
      expect(box?.height).toBeGreaterThan(0);
      expect(await chart.getAttribute('role')).toBe('img');
    }
    // Each chart is named for screen readers by its title.
    const names = await page
      .getByRole('img')
      .evaluateAll((svgs) => svgs.map((s) => s.querySelector('title')?.textContent ?? ''));
    expect(names.every((n) => n.length > 0)).toBe(true);
    // The roles that can be tightened: a table named by its caption, one row per role, on the page.
    const tightenable = page.getByRole('table', {
      name: 'Roles whose use is a strict subset of what they admit',
    });
    expect(await tightenable.isVisible()).toBe(true);
    expect(await tightenable.locator('tbody tr th').allTextContents()).toEqual([
      'gh-artifacts-read',
      'gh-deploy-web-prod',
      'gh-docs-publish',
      'gh-preview-envs',
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'sample-report.png'), fullPage: true });

    // Printed, the charts still take room on the page.
    await page.emulateMedia({ media: 'print' });
    expect((await page.locator('svg.chart').first().boundingBox())?.height).toBeGreaterThan(0);

    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
  });
});
