/**
 * Issue 17, item 3: with YTWATCH_API_TOKEN the dashboard still works: its static files are served
 * without the token (the page's <script>/<link> tags cannot carry it), the data still needs it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { startFixture, type Fixture } from './api.fixture.js';

const TOKEN = 'dashboard-test-token-0123456789';

describe('dashboard with a token', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ token: TOKEN });
    await f.poll();
  });
  after(() => f?.close());

  it('serves the static assets without the token, and nothing else', async () => {
    for (const url of ['/app.js', '/style.css', '/favicon.svg', '/vendor/uplot.js', '/vendor/uplot.css', '/docs/static/index.html']) {
      const res = await f.app.inject({ url });
      assert.ok(res.statusCode === 200 || res.statusCode === 302, `${url}: ${res.statusCode}`);
    }
    for (const url of ['/', '/videos', '/health', '/events', '/docs/json', '/app.js/../videos', '/vendor/../videos']) {
      assert.equal((await f.app.inject({ url })).statusCode, 401, url);
    }
  });

  it('loads rows and the live feed in Chromium when opened as /?access_token=…', { timeout: 120_000 }, async () => {
    const url = await f.app.listen({ host: '127.0.0.1', port: 0 });
    const statuses: string[] = [];
    let b: TestBrowser | undefined;
    try {
      b = await launchBrowser();
      const page = await b.browser.newPage();
      page.on('response', (r) => { if (r.status() >= 400) statuses.push(`${r.status()} ${r.url()}`); });
      await page.goto(`${url}/?access_token=${TOKEN}`);
      await page.waitForFunction(() => document.querySelectorAll('#videos tbody tr').length === 3, undefined, { timeout: 20_000 });
      await page.waitForSelector('#live.ok');
      assert.deepEqual(statuses, []);
    } finally {
      await b?.close();
    }
  });
});
