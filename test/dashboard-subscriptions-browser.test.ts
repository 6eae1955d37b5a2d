/**
 * The dashboard's subscriptions panel in a real headless Chromium, opened with the API token: the
 * add form subscribes a chat (the reply's quota note shown), mute and remove buttons change the
 * subscription through the API; without the token the form shows the API's 401 message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDashboard, type DashboardSession } from './helpers/dashboard.js';
import { startFixture, type Fixture } from './api.fixture.js';

const TOKEN = 'dashboard-subs-token-0123456789';

describe('dashboard subscriptions panel in Chromium', () => {
  let f: Fixture;
  let d: DashboardSession;

  before(async () => {
    f = await startFixture({ token: TOKEN });
    await f.poll();
    d = await openDashboard(f);
  }, { timeout: 120_000 });
  after(async () => {
    await d?.close();
    await f?.close();
  });

  it('add, mute and remove through the panel', { timeout: 120_000 }, async () => {
    const { page, url, pageErrors } = d;
    await page.goto(`${url}/?access_token=${TOKEN}`);
    await page.fill('#sub-target', 'https://www.youtube.com/playlist?list=PLdashSubs01');
    await page.fill('#sub-chat', '7');
    await page.click('#sub-form button[type=submit]');
    await page.waitForSelector('#subs li[data-id^="s-"]');
    assert.match(await page.textContent('#sub-msg') ?? '', /^Added playlist:PLdashSubs01 \(about \d+ unit\(s\) per poll; --interval auto now polls every \d+ s\)\.$/);
    assert.equal(await page.textContent('#subs li[data-id^="s-"] span'), 'playlist:PLdashSubs01 → chat 7');
    assert.equal(await page.textContent('#subs li[data-id^="config-"] span'), 'playlist:PLapiFixture → console (config)');
    assert.equal(await page.locator('#subs li[data-id^="config-"] button').count(), 0, 'the operator\'s cannot be removed here');
    await page.click('#subs li[data-id^="s-"] .sub-mute');
    await page.waitForFunction(() => /muted until/.test(document.querySelector('#subs li[data-id^="s-"] span')?.textContent ?? ''));
    const stored = (await f.app.inject({ url: '/subscriptions', headers: { authorization: `Bearer ${TOKEN}` } })).json().subscriptions;
    assert.ok(stored.find((x: { source: string }) => x.source === 'api').mutedUntil > Date.now() + 3_000_000);
    await page.click('#subs li[data-id^="s-"] .sub-remove');
    await page.waitForFunction(() => document.querySelectorAll('#subs li[data-id^="s-"]').length === 0);
    assert.equal(await page.textContent('#sub-msg'), 'Removed.');
    assert.deepEqual(pageErrors, []);
  });
});
