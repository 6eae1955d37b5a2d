/**
 * WebSub push: the real CLI (`run --port`) against the YouTube, feed, Telegram and hub fakes. A
 * signed notification gives the 🆕 alert at ≤ 1 unit; bad input does nothing and ytwatch keeps
 * running; leases are renewed before they run out; the callback is the one route without the token.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FakeFeeds, atomEntry, atomFeed } from '../src/app/fakes/feeds.js';
import { FakeHub } from '../src/app/fakes/hub.js';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { FakeYouTube, type FakeVideo } from '../src/app/fakes/youtube.js';
import { channelTopic } from '../src/app/youtube/websub.js';
import { fakesEnv, runCli, scratch, startCli } from './helpers/cli.js';

const CHANNEL = 'UCpushChannel00000000001';
const UPLOADS = 'UUpushChannel00000000001';
const TOPIC = channelTopic(CHANNEL);
const TOKEN = 'api-token-for-websub-test';
const LEASE = 6;

async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('WebSub push (ytwatch run --port with WEBSUB_CALLBACK_URL)', () => {
  let yt: FakeYouTube;
  let feeds: FakeFeeds;
  let tg: FakeTelegram;
  let hub: FakeHub;
  let child: ChildProcess;
  let stderr = '';
  let base: string;
  const s = scratch();

  const upload = (title: string): { video: FakeVideo; body: string } => {
    const [video] = yt.addVideos(1, 'push');
    Object.assign(video!, { title, channelId: CHANNEL, channelTitle: 'Push channel' });
    yt.playlists.get(UPLOADS)!.unshift(video!.id);
    return { video: video!, body: atomFeed({ self: TOPIC, entries: [atomEntry(video!)] }) };
  };
  const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'POST', body: body as BodyInit, headers: { 'content-type': 'application/atom+xml', ...headers } }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });

  before(async () => {
    yt = await FakeYouTube.start();
    feeds = await FakeFeeds.start(yt);
    tg = await FakeTelegram.start({ chats: [42] });
    hub = await FakeHub.start();
    const videos = yt.addVideos(120).map((v) => Object.assign(v, { channelId: CHANNEL }));
    yt.addChannel(CHANNEL, UPLOADS);
    yt.addPlaylist(UPLOADS, videos.map((v) => v.id));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    s.writeConfig({ notify: { paceMs: 0 }, websub: { leaseSeconds: LEASE } });
    child = startCli(['run', '--channel', CHANNEL, '--port', String(port), '--interval', '1h'], {
      ...fakesEnv(yt, tg, s.dataDir),
      YOUTUBE_FEEDS_ROOT: feeds.url,
      WEBSUB_CALLBACK_URL: `${base}/websub`,
      WEBSUB_HUB_URL: hub.subscribeUrl,
      YTWATCH_API_TOKEN: TOKEN,
    }, s.dir);
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await hub.waitFor(() => hub.active(TOPIC) === 1, 30_000, 'a verified subscription');
  });
  after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await once(child, 'close');
    }
    await hub.close();
    await yt.close();
    await feeds.close();
    await tg.close();
    s.cleanup();
  });

  it('subscribes the channel with its own callback, lease and secret', () => {
    const [req] = hub.requests;
    assert.deepEqual({ ...req, at: 0 }, { mode: 'subscribe', topic: TOPIC, callback: `${base}/websub/${CHANNEL}`, leaseSeconds: LEASE, hasSecret: true, at: 0 });
    assert.equal(yt.unitsUsed, 6, 'the first poll: 3 pages + 3 videos.list');
  });

  it('/metrics splits the latest poll\'s units into membership and statistics', async () => {
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    assert.match(text, /^ytwatch_youtube_poll_units\{part="membership"\} 3$/m);
    assert.match(text, /^ytwatch_youtube_poll_units\{part="statistics"\} 3$/m);
  });

  it('the callback is the one route reachable without the API token; it echoes only its own topics', async () => {
    assert.equal((await fetch(`${base}/videos`)).status, 401);
    const openapi = await (await fetch(`${base}/docs/json`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as { paths: Record<string, unknown> };
    assert.ok(openapi.paths['/websub/{channelId}'], 'documented in the OpenAPI');
    const other = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': channelTopic('UCnotWatched000000000001'), 'hub.challenge': 'abc', 'hub.lease_seconds': '60' });
    assert.equal((await fetch(`${base}/websub/${CHANNEL}?${other}`)).status, 404);
    assert.equal((await fetch(`${base}/websub/UCnotWatched000000000001?${other}`)).status, 404);
  });

  it('bad input does nothing; a signed notification then alerts within 5 s at 1 unit; a replay does nothing', async () => {
    yt.resetUnits();
    const a = upload('Pushed <first>');
    assert.equal(await post(`/websub/${CHANNEL}`, a.body), 204, 'unsigned');
    assert.equal(await post(`/websub/${CHANNEL}`, a.body, { 'x-hub-signature': `sha1=${'0'.repeat(40)}` }), 204, 'bad signature');
    assert.equal(await post(`/websub/${CHANNEL}`, a.body, { 'x-hub-signature': 'sha256=abc' }), 204, 'wrong scheme');
    assert.equal(await post('/websub/UCnotWatched000000000001', a.body, { 'x-hub-signature': `sha1=${'1'.repeat(40)}` }), 204, 'unknown topic');
    assert.equal(await post(`/websub/${CHANNEL}`, new Uint8Array(1024 * 1024).fill(97), { 'x-hub-signature': `sha1=${'2'.repeat(40)}` }), 204, '1 MB body');
    assert.deepEqual(await hub.publish(TOPIC, '<feed><entry><yt:videoId>'), [204], 'malformed XML, correctly signed');
    assert.deepEqual(await hub.publish(TOPIC, `${a.body.slice(0, 300)}${'x'.repeat(1024 * 1024)}`), [204], '1 MB, correctly signed');
    assert.equal((await fetch(`${base}/health`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200, 'still serving');

    assert.deepEqual(await hub.publish(TOPIC, a.body), [204]);
    const [msg] = await tg.waitForMessages(1, 5000);
    assert.match(msg!.parsedText, /^🆕 New video: Pushed <first>$/);
    assert.equal(tg.messages.length, 1, 'bad input raised nothing before it');

    assert.deepEqual(await hub.publish(TOPIC, a.body), [204], 'the same body again: a replay');
    const b = upload('Pushed second');
    assert.deepEqual(await hub.publish(TOPIC, b.body), [204]);
    const all = await tg.waitForMessages(2, 5000);
    assert.match(all[1]!.parsedText, /Pushed second/);
    assert.equal(yt.unitsUsed, 2, 'one videos.list per accepted notification, none for bad input or the replay');
    assert.equal(child.exitCode, null, 'ytwatch keeps running');
    for (const reason of ['unsigned', 'bad-signature', 'unknown-topic', 'FST_ERR_CTP_BODY_TOO_LARGE', 'malformed', 'replay']) {
      assert.ok(stderr.includes(reason), `ignored as ${reason}: ${stderr}`);
    }
    assert.doesNotMatch(stderr, /api-token|hub\.secret/);
  });

  it('renews each lease before it runs out', async () => {
    await hub.waitFor(() => hub.verifications.filter((v) => v.ok && v.previousExpiry !== undefined).length >= 2, 4 * LEASE * 1000, 'two renewals');
    const renewals = hub.verifications.filter((v) => v.ok && v.previousExpiry !== undefined);
    for (const r of renewals) assert.ok(r.at < r.previousExpiry!, `renewed ${r.previousExpiry! - r.at} ms before expiry`);
    assert.equal(hub.active(TOPIC), 1);
    assert.equal(child.exitCode, null);
  });

  it('stops cleanly', async () => {
    child.kill('SIGTERM');
    const [code] = await once(child, 'close');
    assert.equal(code, 0, stderr);
  });
});

describe('WebSub configuration', () => {
  it('WEBSUB_CALLBACK_URL without --port is one line naming the fix', async () => {
    const s = scratch();
    try {
      const res = await runCli(['run', '--channel', CHANNEL], { YOUTUBE_API_KEY: 'k', YTWATCH_DATA_DIR: s.dataDir, WEBSUB_CALLBACK_URL: 'https://example.org/websub' }, s.dir);
      assert.equal(res.code, 1, res.stderr);
      const lines = res.stderr.trim().split('\n');
      assert.equal(lines.length, 1, res.stderr);
      assert.match(lines[0]!, /WEBSUB_CALLBACK_URL is set but no API server .* — pass --port N/);
    } finally {
      s.cleanup();
    }
  });
});
