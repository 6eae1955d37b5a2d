/**
 * End to end with real processes: `ytwatch run --once` fills the embedded log, `ytwatch serve
 * --port P` (history stage + API) serves it and streams a change made by another `run --once`
 * process; `ytwatch run --port P` polls and serves in one process. Both stop cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { FakeYouTube } from '../src/app/fakes/youtube.js';
import { runCli, scratch, startCli, waitForOutput } from './helpers/cli.js';
import { freePort } from './helpers/postgres.js';
import { eventually } from './helpers/eventually.js';
import { sseText } from './helpers/sse.js';

async function stopped(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `${url}: ${res.status}`);
  return res.json();
}

describe('ytwatch serve and run --port as real processes', () => {
  let yt: FakeYouTube;
  let s: ReturnType<typeof scratch>;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  before(async () => {
    yt = await FakeYouTube.start();
    const videos = yt.addVideos(4);
    yt.addPlaylist('PLserve', videos.map((v) => v.id));
    s = scratch();
    env = { YOUTUBE_API_KEY: yt.apiKey, YOUTUBE_API_ROOT: yt.url, YTWATCH_DATA_DIR: s.dataDir };
  });
  after(async () => {
    for (const c of children) await stopped(c);
    await yt.close();
    s.cleanup();
  });

  it('serve --port P: health, videos, history, and a change from another process over /events', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await runCli(['run', '--playlist', 'PLserve', '--once'], env, s.dir);
      assert.equal(res.code, 0, res.stderr);
      yt.videos.get('vid00000002')!.likes! += 4;
    }
    const port = await freePort();
    const child = startCli(['serve', '--port', String(port)], env, s.dir);
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const banner = await waitForOutput(child, /dashboard (http:\/\/\S+)\//, 20_000).catch((err: Error) => {
      throw new Error(`${err.message}\nstderr:\n${stderr}`);
    });
    const base = /dashboard (http:\/\/\S+?)\/ /.exec(banner)![1]!;
    assert.equal(base, `http://127.0.0.1:${port}`);

    assert.equal((await getJson(`${base}/health`)).status, 'ok');
    await eventually(async () => (await getJson(`${base}/videos`)).total === 4);
    const hist = await getJson(`${base}/videos/vid00000002/history`);
    assert.ok(hist.points.length >= 2, JSON.stringify(hist));
    assert.equal((await fetch(`${base}/videos/zzzzzzzzzzz`)).status, 404);
    assert.match(await (await fetch(`${base}/`)).text(), /<title>ytwatch<\/title>/);

    const ac = new AbortController();
    const stream = await fetch(`${base}/events`, { signal: ac.signal });
    const sse = sseText(stream.body!);
    await sse.until(/: connected/);
    yt.videos.get('vid00000003')!.comments! += 2;
    const res = await runCli(['run', '--playlist', 'PLserve', '--once'], env, s.dir);
    assert.equal(res.code, 0, res.stderr);
    await sse.until(/event: change\ndata: .*vid00000003.*\n\n/);
    ac.abort();
    await sse.cancel();

    assert.equal(await stopped(child), 0, stderr);
  });

  it('run --port P polls and serves in one process', async () => {
    const port = await freePort();
    const child = startCli(['run', '--playlist', 'PLserve', '--interval', '1s', '--port', String(port)], env, s.dir);
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitForOutput(child, /dashboard http:\/\/127\.0\.0\.1:\d+\//, 20_000).catch((err: Error) => {
      throw new Error(`${err.message}\nstderr:\n${stderr}`);
    });
    const base = `http://127.0.0.1:${port}`;
    const before = (await getJson(`${base}/videos/vid00000004/history`)).points.length;
    await eventually(async () => (await getJson(`${base}/videos/vid00000004/history`)).points.length >= before + 2);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^ytwatch_history_snapshots_stored_total [1-9]\d*$/m);
    assert.match(metrics, /^ytwatch_youtube_quota_units_today [1-9]\d*$/m);
    assert.match(metrics, /^ytwatch_alerts_total\{outcome="failed"\} 0$/m);
    assert.doesNotMatch(metrics, new RegExp(yt.apiKey));
    assert.equal(await stopped(child), 0, stderr);
  });
});
