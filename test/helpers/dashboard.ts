import type { Page } from 'playwright-core';
import type { Fixture } from '../api.fixture.js';
import { launchBrowser, type TestBrowser } from './browser.js';

export interface DashboardSession {
  url: string;
  page: Page;
  /** Uncaught errors of the page. */
  pageErrors: string[];
  /** Requests that tried to leave the server (aborted). */
  external: string[];
  close(): Promise<void>;
}

/**
 * Runs the fixture's history stage, serves its API on a free port and opens a Chromium page on it
 * that may reach nothing but that server.
 */
export async function openDashboard(f: Fixture): Promise<DashboardSession> {
  const stop = new AbortController();
  const running = f.history.run(stop.signal, new AbortController().signal);
  const url = await f.app.listen({ host: '127.0.0.1', port: 0 });
  const b: TestBrowser = await launchBrowser();
  const page = await b.browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'en-US' });
  const pageErrors: string[] = [];
  const external: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith(url)) return route.continue();
    external.push(route.request().url());
    return route.abort();
  });
  return {
    url,
    page,
    pageErrors,
    external,
    async close() {
      await page.close().catch(() => {});
      await b.close();
      stop.abort();
      await running;
    },
  };
}
