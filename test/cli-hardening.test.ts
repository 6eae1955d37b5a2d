/** Issue 17 through the real CLI: two fetch stages on one folder (item 13), a damaged database (item 10). */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeYouTube } from '../src/fakes/youtube.js';
import { runCli, scratch, startCli, type CliResult } from './helpers/cli.js';

function stderrMatch(child: ReturnType<typeof startCli>, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`stderr never matched ${pattern}:\n${err}`)), timeoutMs);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (pattern.test(err)) {
        clearTimeout(timer);
        resolve(err);
      }
    });
  });
}

function assertOneLine(res: CliResult, pattern: RegExp): void {
  assert.equal(res.code, 1, res.stderr);
  const lines = res.stderr.trim().split('\n').filter((l) => l.startsWith('ytwatch:'));
  assert.equal(lines.length, 1, res.stderr);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
}

describe('CLI hardening', () => {
  let yt: FakeYouTube;
  const dirs: Array<ReturnType<typeof scratch>> = [];
  before(async () => {
    yt = await FakeYouTube.start();
    yt.addPlaylist('PLtwo', yt.addVideos(3).map((v) => v.id));
  });
  after(async () => {
    await yt.close();
    dirs.forEach((d) => d.cleanup());
  });
  const env = () => {
    const s = scratch();
    dirs.push(s);
    return { s, env: { YOUTUBE_API_KEY: yt.apiKey, YOUTUBE_API_ROOT: yt.url, YTWATCH_DATA_DIR: s.dataDir, YTWATCH_LOG_LEVEL: 'info' } };
  };

  it('item 13: a second `ytwatch fetch` on one data folder is refused with one line', async () => {
    const { s, env: e } = env();
    const child = startCli(['fetch', '--playlist', 'PLtwo', '--interval', '1s'], e, s.dir);
    child.stdout!.resume();
    try {
      await stderrMatch(child, /poll done/, 15_000);
      const second = await runCli(['fetch', '--playlist', 'PLtwo', '--once'], e, s.dir);
      assertOneLine(second, /^ytwatch: the fetch stage already runs in process \d+ on this data folder — run one `ytwatch fetch`/);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      assert.equal((await exited)[0], 0);
    }
  });

  for (const file of ['log.db', 'fetch.db']) {
    it(`item 10: a damaged ${file} is one line, exit 1, no stack trace`, async () => {
      const { s, env: e } = env();
      mkdirSync(s.dataDir, { recursive: true });
      writeFileSync(join(s.dataDir, file), 'garbage, not SQLite '.repeat(500));
      const res = await runCli(['run', '--playlist', 'PLtwo', '--once'], e, s.dir);
      assertOneLine(res, new RegExp(`${file.replace('.', '\\.')} is damaged .* — stop ytwatch, move ${file.replace('.', '\\.')}`));
    });
  }
});
