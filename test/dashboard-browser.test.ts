/**
 * The dashboard in a real headless Chromium: it loads from the server alone (no CDN), draws the
 * chart, and a change made during the test appears in the live feed without a reload. Screenshots
 * go to /tmp/ytwatch-dashboard-{light,dark}.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openDashboard, type DashboardSession } from './helpers/dashboard.js';
import { startFixture, type Fixture } from './api.fixture.js';
import { snap } from './history-store.case.js';

describe('dashboard in Chromium', () => {
  let f: Fixture;
  let d: DashboardSession;
  let url: string;
  let page: Page;
  let external: string[];
  let pageErrors: string[];

  before(async () => {
    f = await startFixture({ demo: true });
    // A week of hourly history leading up to the fake's numbers, so the charts have a shape.
    const now = Date.now();
    const seeded = f.videos.flatMap((v, k) =>
      Array.from({ length: 7 * 24 }, (_, i) => {
        const age = (7 * 24 - i) * 3_600_000;
        const t = i / (7 * 24); // 0 → 1 over the week; a daily rhythm that never goes backwards
        const share = (p: number) => 0.6 + 0.4 * (t ** p + 0.02 * Math.sin(14 * Math.PI * t + k));
        const scaled = (n: number | null, p: number) => (n === null ? null : Math.round(n * Math.min(1, share(p))));
        return snap(v.id, now - age, scaled(v.views, 1)!, scaled(v.likes, 1.6), scaled(v.comments, 0.7));
      }).map((s) => ({ ...s, title: v.title })),
    );
    await f.store.addEvents(seeded);
    await f.poll();
    d = await openDashboard(f);
    ({ url, page, external, pageErrors } = d);
  }, { timeout: 120_000 });

  after(async () => {
    await d?.close();
    await f?.close();
  });

  it('loads the videos, totals, sparklines and a chart', async () => {
    await page.goto(url);
    await page.waitForFunction(() => document.querySelectorAll('#videos tbody tr').length === 6);
    await page.waitForSelector('#chart canvas');
    const box = await page.locator('#chart canvas').first().boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, JSON.stringify(box));
    assert.equal(await page.locator('#t-videos').textContent(), '6');
    assert.match((await page.locator('#videos tbody tr').first().textContent())!, /Lo-fi beats to debug to/);
    await page.waitForFunction(() => [...document.querySelectorAll('canvas.spark')].some((c) => {
      const ctx = (c as HTMLCanvasElement).getContext('2d')!;
      return ctx.getImageData(0, 0, 240, 60).data.some((v) => v !== 0);
    }));
    await page.waitForSelector('#live.ok');
    assert.deepEqual(pageErrors, []);
  });

  it('shows a change made now in the live feed, without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    f.yt.videos.get('Qm3x_Tz8LpA')!.likes! += 7;
    await f.pipeline.once(new AbortController().signal);
    const item = page.locator('#feed li.alert', { hasText: /Likes 2,104 → 2,111/ });
    await item.waitFor({ timeout: 15_000 });
    assert.match((await item.textContent())!, /Building a real-time pipeline/);
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'same page: no reload');
    await page.waitForFunction(() => /2,111/.test(document.querySelector('tr[data-id="Qm3x_Tz8LpA"]')?.textContent ?? ''));
    await page.screenshot({ path: '/tmp/ytwatch-dashboard-light.png', fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(300);
    await page.screenshot({ path: '/tmp/ytwatch-dashboard-dark.png', fullPage: true });
    assert.deepEqual(pageErrors, []);
  });

  it('serves the OpenAPI UI at /docs offline', async () => {
    await page.goto(`${url}/docs`);
    await page.locator('.swagger-ui .info', { hasText: 'ytwatch API' }).waitFor({ timeout: 15_000 });
    await page.locator('.opblock-summary-path', { hasText: '/videos/{id}/history' }).first().waitFor();
    await page.screenshot({ path: '/tmp/ytwatch-docs.png' });
    assert.deepEqual(external, [], 'no request left the server');
  });
});
