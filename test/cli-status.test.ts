/**
 * Running it for real: the per-poll line and the `--once` summary, `ytwatch status` beside a running
 * `run`, `GET /status` and the degraded `/health` under `serve`, through the real CLI and the fakes.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { FakeYouTube } from '../src/app/fakes/youtube.js';
import { fakesEnv, runCli, scratch, startCli, waitForOutput, waitUntil } from './helpers/cli.js';

describe('progress and status', () => {
  let yt: FakeYouTube;
  let tg: FakeTelegram;
  const dirs: Array<ReturnType<typeof scratch>> = [];
  const fresh = () => {
    const s = scratch();
    dirs.push(s);
    s.writeConfig({ notify: { paceMs: 0, maxAttempts: 2 }, youtube: { attempts: 2, baseDelayMs: 10 } });
    return s;
  };
  const video = (i: number) => yt.videos.get(`vid${String(i).padStart(8, '0')}`)!;

  before(async () => {
    yt = await FakeYouTube.start();
    tg = await FakeTelegram.start({ chats: [42] });
    yt.addPlaylist('PLstatus', yt.addVideos(4).map((v) => v.id));
  });
  after(async () => {
    await yt.close();
    await tg.close();
    for (const d of dirs) d.cleanup();
  });

  it('pretty: one line per poll, the baseline said on the first poll, a summary at the end', async () => {
    const s = fresh();
    const env = { ...fakesEnv(yt, tg, s.dataDir), YTWATCH_LOG_LEVEL: 'info' };
    const first = await runCli(['run', '--playlist', 'PLstatus', '--once', '--log-format', 'pretty'], env, s.dir);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /^\d\d:\d\d:\d\d poll: 4 videos · baseline recorded for 4 new videos \(alerts start with their next change\) · 0 changes · 0 alerts sent, 0 failed · 2\/10,000 units today$/m);
    assert.match(first.stderr, /^done: 1 poll, 4 videos, 0 changes, 0 alerts sent, 0 failed; baseline recorded for 4 new videos; 2\/10,000 units today$/m);
    assert.doesNotMatch(first.stderr, /pollId|"msg"/, 'no JSON and no 7-line block');

    video(1).likes! += 3;
    video(2).comments! += 1;
    const sent = tg.messages.length;
    const second = await runCli(['run', '--playlist', 'PLstatus', '--once', '--log-format', 'pretty'], env, s.dir);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(tg.messages.length, sent + 1);
    assert.match(second.stderr, /^\d\d:\d\d:\d\d poll: 4 videos · 2 changes · 2 alerts sent, 0 failed · 4\/10,000 units today$/m);
    assert.match(second.stderr, /^done: 1 poll, 4 videos, 2 changes, 2 alerts sent, 0 failed; 4\/10,000 units today$/m);
    assert.doesNotMatch(second.stderr, /baseline/);
  });

  it('json: the same facts with ISO times', async () => {
    const s = fresh();
    const res = await runCli(['run', '--playlist', 'PLstatus', '--once', '--log-format', 'json'], { ...fakesEnv(yt, tg, s.dataDir), YTWATCH_LOG_LEVEL: 'info' }, s.dir);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const poll = lines.find((l) => l.msg === 'poll done')!;
    assert.match(String(poll.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(String(poll.polledAt), /^\d{4}-\d\d-\d\dT/);
    assert.equal(poll.videos, 4);
    assert.equal(poll.firstSeen, 4);
    const summary = lines.find((l) => l.msg === 'run summary')!;
    assert.equal(summary.polls, 1);
    assert.equal(summary.unitsToday, 2);
  });

  it('bad --log-format is one line, before anything starts', async () => {
    const s = fresh();
    const res = await runCli(['run', '--playlist', 'PLstatus', '--log-format', 'xml'], fakesEnv(yt, tg, s.dataDir), s.dir);
    assert.equal(res.code, 1);
    assert.equal(res.stderr, 'ytwatch: bad --log-format "xml" — use --log-format pretty or --log-format json\n');
  });

  it('status beside a running run with a broken chat: degraded, the failure, the next poll, quota, lag', async () => {
    const s = fresh();
    const env = { ...fakesEnv(yt, tg, s.dataDir), TELEGRAM_CHAT_ID: '99' }; // no such chat: 400
    const baseline = await runCli(['run', '--playlist', 'PLstatus', '--once'], env, s.dir);
    assert.equal(baseline.code, 0, baseline.stderr);
    const empty = await runCli(['status', '--json'], env, s.dir);
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(JSON.parse(empty.stdout).health.status, 'ok');

    video(3).likes! += 1;
    const child = startCli(['run', '--playlist', 'PLstatus', '--interval', '1h', '--log-format', 'pretty'], { ...env, YTWATCH_LOG_LEVEL: 'info' }, s.dir);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.resume();
    try {
      await waitUntil(() => /poll: 4 videos · 1 change · 0 alerts sent, 1 failed · \d+\/10,000 units today · next poll \d\d:\d\d:\d\d/.test(stderr), () => stderr);
      const res = await runCli(['status', '--json'], env, s.dir);
      assert.equal(res.code, 2, `exit 2 when degraded: ${res.stderr}`);
      const view = JSON.parse(res.stdout);
      assert.equal(view.health.status, 'degraded');
      assert.match(view.health.reasons.join('\n'), /delivery to telegram is failing: .*chat not found/);
      assert.equal(view.poll.ok, true);
      assert.equal(view.poll.videos, 4);
      const next = Date.parse(view.poll.nextAt) - Date.parse(view.poll.lastAt);
      assert.ok(next > 3_500_000 && next <= 3_600_000, `next poll an hour after the last: ${next}`);
      assert.equal(view.quota.dailyBudget, 10_000);
      assert.ok(view.quota.unitsToday >= 4);
      assert.ok(Date.parse(view.quota.resetsAt) > Date.now());
      const sink = view.sinks.find((x: { sink: string }) => x.sink === 'telegram');
      assert.match(sink.lastFailure, /chat not found/);
      assert.equal(view.deadLetters.waiting, 1);
      assert.deepEqual(view.lag.map((l: { stage: string }) => l.stage).slice(0, 2), ['detect', 'notify']);
      assert.equal(view.lag[0].lag, 0);

      const text = await runCli(['status'], env, s.dir);
      assert.match(text.stdout, /^health: degraded\n {2}- delivery to telegram is failing/);
      assert.match(text.stdout, /^quota: \d+ \/ 10,000 units today, resets .* \(midnight Pacific\)$/m);
      assert.match(text.stdout, /^dead letters waiting: 1/m);
      assert.match(text.stdout, /^consumer lag \(sqlite log\): detect 0, notify 0, /m);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      assert.equal((await exited)[0], 0, stderr);
    }
  });

  it('serve: GET /status, and /health stays 200 but says degraded with the reason', async () => {
    const s = fresh();
    const env = { ...fakesEnv(yt, tg, s.dataDir), TELEGRAM_CHAT_ID: '99' };
    await runCli(['run', '--playlist', 'PLstatus', '--once'], env, s.dir);
    video(4).likes! += 1;
    await runCli(['run', '--playlist', 'PLstatus', '--once'], env, s.dir);
    const child = startCli(['serve', '--port', '0'], env, s.dir);
    try {
      const out = await waitForOutput(child, /dashboard (http:\/\/\S+)\//, 20_000);
      const base = /dashboard (http:\/\/\S+)\//.exec(out)![1]!;
      const health = await fetch(`${base}/health`);
      assert.equal(health.status, 200);
      const h = (await health.json()) as { status: string; reasons: string[] };
      assert.equal(h.status, 'degraded');
      assert.match(h.reasons[0]!, /delivery to telegram is failing/);
      const status = (await (await fetch(`${base}/status`)).json()) as { deadLetters: { waiting: number }; quota: { unitsToday: number } };
      assert.equal(status.deadLetters.waiting, 1);
      assert.ok(status.quota.unitsToday >= 4);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /^ytwatch_youtube_quota_units_today [1-9]\d*$/m, 'quota in /metrics under serve');
      // The live feed's alert carries its outcome.
      await waitUntil(async () => {
        const feed = (await (await fetch(`${base}/changes?kind=alert`)).json()) as { items: Array<{ delivery?: Array<{ outcome: string }> }> };
        return feed.items.some((i) => i.delivery?.[0]?.outcome === 'failed');
      }, () => 'no failed alert in /changes');
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  });
});

