/**
 * The dashboard's operational parts in a real headless Chromium: the header says "degraded" with
 * the reason while a sink fails, the status panel shows polls, quota, sinks, dead letters and lag,
 * live alerts are marked delivered / failed per sink without a reload, and the chart's right axis
 * has a label and whole-number ticks. Screenshot: /tmp/ytwatch-dashboard-status.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Alert } from '../src/app/core/events.js';
import type { Failure, Sink } from '../src/app/sinks/sink.js';
import { openDashboard, type DashboardSession } from './helpers/dashboard.js';
import { startFixture, type Fixture } from './api.fixture.js';

/** A sink that accepts every alert, or refuses every one with a reason. */
function sink(name: string, refuse?: string): Sink {
  return {
    name,
    target: refuse ? 'chat 42' : 'hooks.example',
    deliver: async (alerts: Alert[]): Promise<Failure[]> => (refuse ? alerts.map((alert) => ({ alert, reason: refuse })) : []),
  };
}

describe('dashboard status, health and delivery marks in Chromium', () => {
  let f: Fixture;
  let d: DashboardSession;
  let url: string;
  let page: Page;
  let pageErrors: string[];

  before(async () => {
    f = await startFixture({ demo: true, sinks: [sink('telegram', 'Telegram: 403 Forbidden: bot was blocked by the user'), sink('webhook')] });
    await f.poll();
    d = await openDashboard(f);
    ({ url, page, pageErrors } = d);
  }, { timeout: 120_000 });

  after(async () => {
    await d?.close();
    await f?.close();
  });

  it('marks a live alert delivered at one sink and failed at the other; the header turns degraded', async () => {
    await page.goto(url);
    await page.waitForSelector('#live.ok');
    await page.waitForFunction(() => /healthy/.test(document.querySelector('#health')?.textContent ?? ''));
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
    f.yt.videos.get('Qm3x_Tz8LpA')!.likes! += 7;
    await f.pipeline.once(new AbortController().signal);
    const item = page.locator('#feed li.alert', { hasText: /Likes 2,104 → 2,111/ });
    await item.locator('.chip.d-failed').waitFor({ timeout: 15_000 });
    assert.match((await item.locator('.chip.d-failed').textContent())!, /✗ telegram/);
    assert.match((await item.locator('.chip.d-failed').getAttribute('title'))!, /bot was blocked/);
    assert.match((await item.locator('.chip.d-delivered').textContent())!, /✓ webhook/);
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 7, 'no reload');

    await page.reload();
    await page.waitForFunction(() => /degraded/.test(document.querySelector('#health')?.textContent ?? ''));
    assert.match((await page.locator('#health-reason').textContent())!, /delivery to telegram is failing: Telegram: 403 Forbidden/);
    // After a reload the outcome comes from GET /changes.
    await page.locator('#feed li.alert .chip.d-failed').first().waitFor();
  });

  it('the status panel shows the last and next poll, quota, sinks, dead letters and lag', async () => {
    await page.waitForFunction(() => (document.querySelector('#s-dlq')?.textContent ?? '').includes('waiting'));
    assert.match((await page.locator('#s-last').textContent())!, /\d.* · 6 videos/);
    assert.match((await page.locator('#s-quota').textContent())!, /^\d+ \/ 10,000 units · resets /);
    assert.match((await page.locator('#s-sinks').textContent())!, /telegram: failing since/);
    assert.match((await page.locator('#s-sinks').textContent())!, /webhook: ok/);
    assert.equal(await page.locator('#s-dlq').textContent(), '1 waiting');
    assert.match((await page.locator('#s-lag').textContent())!, /detect 0 · notify 0/);
    await page.screenshot({ path: '/tmp/ytwatch-dashboard-status.png', fullPage: true });
  });

  it("the chart's right axis has a label and whole-number ticks", async () => {
    await page.waitForSelector('#chart canvas');
    const axis = await page.evaluate(() => {
      const u = (document.querySelector('#chart') as unknown as { uplot: { axes: Array<{ label?: string; _splits?: number[] }> } }).uplot;
      return { label: u.axes[2]!.label, splits: u.axes[2]!._splits ?? [] };
    });
    assert.equal(axis.label, 'Likes · comments');
    assert.ok(axis.splits.length > 1, JSON.stringify(axis));
    assert.ok(axis.splits.every((v) => Number.isInteger(v)), `integer ticks: ${JSON.stringify(axis.splits)}`);
    assert.deepEqual(pageErrors, []);
  });
});
