/**
 * A real headless Chromium for tests, driven by `playwright-core`: `CHROMIUM_PATH` or Debian's
 * `/usr/bin/chromium` when present, else the binary of the npm package `@sparticuz/chromium`,
 * unpacked into a private temporary folder (it would reuse any `$TMPDIR/chromium`, even a stale one).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium as pw, type Browser } from 'playwright-core';

export interface TestBrowser {
  browser: Browser;
  /** Where the executable came from, for diagnostics. */
  source: string;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const system = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  if (system) {
    const browser = await pw.launch({ executablePath: system, args: ['--no-sandbox', '--headless=new'] });
    return { browser, source: system, close: () => browser.close() };
  }
  const { default: chromium } = await import('@sparticuz/chromium');
  const dir = mkdtempSync(join(tmpdir(), 'ytwatch-chromium-'));
  const saved = process.env.TMPDIR;
  let executablePath: string;
  try {
    process.env.TMPDIR = dir;
    executablePath = await chromium.executablePath();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  try {
    const browser = await pw.launch({ executablePath, args: chromium.args });
    return {
      browser,
      source: `@sparticuz/chromium (${executablePath})`,
      async close() {
        await browser.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
