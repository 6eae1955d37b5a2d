/** Long-running `ytwatch run`: graceful shutdown, quota pauses, a private data folder. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { FakeYouTube } from '../src/app/fakes/youtube.js';
import { runCli, scratch, startCli } from './helpers/cli.js';

/** Collects a child's stderr and resolves when `pattern` shows up in it. */
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

describe('ytwatch run (continuous)', () => {
  let yt: FakeYouTube;
  const dirs: Array<ReturnType<typeof scratch>> = [];
  before(async () => {
    yt = await FakeYouTube.start();
    yt.addPlaylist('PLlong', yt.addVideos(3).map((v) => v.id));
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

  it('SIGTERM finishes and exits 0; the data folder is private', async () => {
    const { s, env: e } = env();
    const child = startCli(['run', '--playlist', 'PLlong', '--interval', '1s'], e, s.dir);
    child.stdout!.resume();
    await stderrMatch(child, /poll done/, 15_000);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0);
    assert.equal(statSync(s.dataDir).mode & 0o777, 0o700);
  });

  it('a second SIGINT exits at once', async () => {
    const { s, env: e } = env();
    const child = startCli(['run', '--playlist', 'PLlong', '--interval', '1s'], e, s.dir);
    child.stdout!.resume();
    await stderrMatch(child, /poll done/, 15_000);
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    child.kill('SIGINT');
    const [code] = await exited;
    assert.ok(code === 130 || code === 0, `exit ${code}`);
  });

  it('quotaExceeded pauses polling until the reset and says so once', async () => {
    const { s, env: e } = env();
    const saved = yt.dailyQuota;
    yt.dailyQuota = yt.unitsUsed;
    const child = startCli(['run', '--playlist', 'PLlong', '--interval', '1s'], e, s.dir);
    child.stdout!.resume();
    try {
      const err = await stderrMatch(child, /quota exceeded: polling paused until the daily reset/, 15_000);
      const requestsAtPause = yt.requests.length;
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(yt.requests.length, requestsAtPause, 'no polling while paused');
      assert.match(err, /"resumeAt":"\d{4}-\d\d-\d\dT/);
      assert.equal(err.match(/quota exceeded/g)?.length, 1);
    } finally {
      yt.dailyQuota = saved;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      assert.equal((await exited)[0], 0);
    }
  });

  it('stops polling at the daily budget until the reset, and says so once', async () => {
    const { s, env: e } = env();
    s.writeConfig({ dailyBudget: 3 });
    const child = startCli(['run', '--playlist', 'PLlong', '--interval', '1s'], e, s.dir);
    child.stdout!.resume();
    try {
      const err = await stderrMatch(child, /daily budget of 3 units reached: polling paused until the daily reset/, 15_000);
      assert.equal(err.match(/"msg":"poll done"/g)?.length, 1, 'one poll of 2 units fits a budget of 3; the second would not');
      const requests = yt.requests.length;
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(yt.requests.length, requests);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      assert.equal((await exited)[0], 0);
    }
  });

  it('a second process on the same data folder is refused, not run twice', async () => {
    const { s, env: e } = env();
    const child = startCli(['run', '--playlist', 'PLlong', '--interval', '1s'], e, s.dir);
    child.stdout!.resume();
    try {
      await stderrMatch(child, /poll done/, 15_000);
      const second = await runCli(['run', '--playlist', 'PLlong', '--once'], e, s.dir);
      assert.equal(second.code, 1);
      assert.match(second.stderr, /^ytwatch: consumer group ytwatch-detect already runs in process \d+ on this data folder — run one ytwatch process per stage/m);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      assert.equal((await exited)[0], 0);
    }
  });
});
