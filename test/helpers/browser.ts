/**
 * A real headless Chromium for tests, driven by `playwright-core`: `CHROMIUM_PATH` or Debian's
 * `/usr/bin/chromium` when present, else the binary of the npm package `@sparticuz/chromium`,
 * unpacked into a private temporary folder (it would reuse any `$TMPDIR/chromium`, even a stale one).
 * On a system without the libraries that binary links (NSS, NSPR, expat), the package's own copies
 * (`bin/al2023.tar.br`) are unpacked beside it and put on `LD_LIBRARY_PATH`: no root, no apt-get.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
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
    const env = missingLibraries(executablePath).length > 0 ? { ...process.env, LD_LIBRARY_PATH: bundledLibraries(dir) } : undefined;
    const browser = await pw.launch({ executablePath, args: chromium.args, env });
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

/** Shared libraries `executable` needs that the system's loader cannot find (`ldd`: "not found"). */
function missingLibraries(executable: string): string[] {
  const res = spawnSync('ldd', [executable], { encoding: 'utf8' });
  return [...(res.stdout ?? '').matchAll(/^\s*(\S+) => not found/gm)].map((m) => m[1]!);
}

/** Unpacks @sparticuz/chromium's NSS, NSPR and expat into `dir`; returns the folder to load them from. */
function bundledLibraries(dir: string): string {
  // The package exports only its entry (build/cjs/index.cjs); its bin/ sits two folders up.
  const pkg = join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', '..');
  const out = join(dir, 'al2023');
  mkdirSync(out, { recursive: true });
  const tar = spawnSync('tar', ['-x', '-C', out], { input: brotliDecompressSync(readFileSync(join(pkg, 'bin', 'al2023.tar.br'))) });
  if (tar.status !== 0) throw new Error(`could not unpack Chromium's bundled libraries: ${tar.stderr?.toString() ?? tar.error}`);
  return [join(out, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
}
