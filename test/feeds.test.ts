/**
 * Membership from YouTube's Atom feeds: the real CLI against the YouTube, feed and Telegram fakes.
 * A channel pays ⌈N/50⌉ units a poll after its first listing, a playlist one more; a video that
 * joins gives one 🆕 alert at no extra membership cost.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeFeeds, atomEntry, atomFeed } from '../src/app/fakes/feeds.js';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { FakeYouTube } from '../src/app/fakes/youtube.js';
import { parseAtom, FeedError } from '../src/app/youtube/feeds.js';
import { once as onceEvent } from 'node:events';
import { fakesEnv, runCli, scratch, startCli } from './helpers/cli.js';

const CHANNEL = 'UCfeedsChannel0000000001';

async function until(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const UPLOADS = 'UUfeedsChannel0000000001';
const PLAYLIST = 'PLfeedsPlaylist120';

describe('parseAtom', () => {
  it('reads entries, tombstones and the self link; decodes entities', () => {
    const xml = atomFeed({
      self: 'https://www.youtube.com/xml/feeds/videos.xml?channel_id=UCx',
      entries: [atomEntry({ id: 'abcdefghijk', title: 'Tom & Jerry <live>', channelId: 'UCx', publishedAt: '2025-01-01T00:00:00Z' })],
      deleted: ['zyxwvutsrqp'],
    });
    const feed = parseAtom(xml);
    assert.deepEqual(feed.entries, [{ videoId: 'abcdefghijk', channelId: 'UCx', title: 'Tom & Jerry <live>', published: '2025-01-01T00:00:00Z', updated: '2025-01-01T00:00:00Z' }]);
    assert.deepEqual(feed.deleted, ['zyxwvutsrqp']);
    assert.equal(feed.self, 'https://www.youtube.com/xml/feeds/videos.xml?channel_id=UCx');
  });

  it('rejects what is not a well-formed Atom feed', () => {
    assert.throws(() => parseAtom('<feed><entry>'), FeedError);
    assert.throws(() => parseAtom('{"json": true}'), FeedError);
    assert.throws(() => parseAtom('<html><body>hi</body></html>'), FeedError);
    assert.throws(() => parseAtom('<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><feed><title>&b;</title></feed>'), FeedError);
  });

  it('skips entries without a valid video id', () => {
    const xml = atomFeed({ self: 'x', entries: [atomEntry({ id: 'bad id', title: 't' }), atomEntry({ id: 'abcdefghijk', title: 't' })] });
    assert.deepEqual(parseAtom(xml).entries.map((e) => e.videoId), ['abcdefghijk']);
  });
});

describe('membership from feeds (ytwatch run --once, a channel and a playlist of 120 videos)', () => {
  let yt: FakeYouTube;
  let feeds: FakeFeeds;
  let tg: FakeTelegram;
  const dirs: Array<ReturnType<typeof scratch>> = [];
  const fresh = () => {
    const s = scratch();
    s.writeConfig({ notify: { paceMs: 0 } });
    dirs.push(s);
    return s;
  };
  const env = (s: ReturnType<typeof scratch>) => ({ ...fakesEnv(yt, tg, s.dataDir), YOUTUBE_FEEDS_ROOT: feeds.url });
  const pages = () => yt.requests.filter((r) => r.resource === 'playlistItems').length;
  const once = async (s: ReturnType<typeof scratch>, target: string[]) => {
    yt.resetUnits();
    const res = await runCli(['run', ...target, '--once'], env(s), s.dir);
    assert.equal(res.code, 0, res.stderr);
    return yt.unitsUsed;
  };

  before(async () => {
    yt = await FakeYouTube.start();
    feeds = await FakeFeeds.start(yt);
    tg = await FakeTelegram.start({ chats: [42] });
    const videos = yt.addVideos(120).map((v) => ({ ...v, channelId: CHANNEL, channelTitle: 'Feeds channel' }));
    for (const v of videos) yt.videos.set(v.id, v);
    yt.addChannel(CHANNEL, UPLOADS, '@feedschannel');
    yt.addPlaylist(UPLOADS, videos.map((v) => v.id).reverse());
    yt.addPlaylist(PLAYLIST, videos.map((v) => v.id));
  });
  after(async () => {
    await yt.close();
    await feeds.close();
    await tg.close();
    for (const d of dirs) d.cleanup();
  });

  it('channel: first poll ≤ 6 units, then 3 a poll; a new upload gives one 🆕 alert at no membership cost', async () => {
    const s = fresh();
    const channel = ['--channel', CHANNEL];
    assert.ok((await once(s, channel)) <= 6);
    assert.equal(tg.messages.length, 0, 'the first poll is the baseline');
    const feedReads = feeds.requests.length;
    assert.equal(await once(s, channel), 3);
    assert.equal(feeds.requests.length, feedReads + 1);
    assert.equal(tg.messages.length, 0);

    const [video] = yt.addVideos(1, 'new');
    Object.assign(video!, { title: 'Brand <new> upload', channelId: CHANNEL });
    yt.playlists.get(UPLOADS)!.unshift(video!.id);
    const listed = pages();
    assert.equal(await once(s, channel), 3, '⌈121/50⌉ statistics calls, no membership unit');
    assert.equal(pages(), listed, 'no playlistItems call');
    assert.equal(tg.messages.length, 1);
    assert.match(tg.messages[0]!.parsedText, /^🆕 New video: Brand <new> upload$/);

    assert.equal(await once(s, channel), 3);
    assert.equal(tg.messages.length, 1, 'once per video');
  });

  it('playlist: one unit more (the size check), and an item appended out of the feed\'s sight is found', async () => {
    const s = fresh();
    const playlist = ['--playlist', PLAYLIST];
    const sent = tg.messages.length;
    assert.equal(await once(s, playlist), 6);
    assert.equal(await once(s, playlist), 4, '3 statistics + 1 size check');
    const [video] = yt.addVideos(1, 'tail');
    video!.title = 'Appended at the end';
    yt.playlists.get(PLAYLIST)!.push(video!.id);
    assert.equal(await once(s, playlist), 1 + 3 + 3, 'size check, then a full listing');
    assert.equal(tg.messages.length, sent + 1);
    assert.match(tg.messages.at(-1)!.parsedText, /🆕 New video: Appended at the end/);
    assert.equal(await once(s, playlist), 4);
  });

  it('ytwatch run --interval 2s: a new upload alerts at a following poll; no listing after the first poll', async () => {
    const s = fresh();
    yt.resetUnits();
    const listed = pages();
    const child = startCli(['run', '--channel', CHANNEL, '--interval', '2s'], env(s), s.dir);
    try {
      const sent = tg.messages.length;
      const feedReads = feeds.requests.length;
      await until(() => feeds.requests.length >= feedReads + 1, 20_000);
      const firstPages = pages() - listed;
      const [video] = yt.addVideos(1, 'live');
      video!.title = 'Uploaded while running';
      yt.playlists.get(UPLOADS)!.unshift(video!.id);
      const messages = await tg.waitForMessages(sent + 1, 20_000);
      assert.match(messages.at(-1)!.parsedText, /🆕 New video: Uploaded while running/);
      const reads = feeds.requests.length;
      await until(() => feeds.requests.length >= reads + 2, 20_000);
      assert.equal(pages() - listed, firstPages, 'no playlistItems call after the first poll');
      assert.equal(tg.messages.length, sent + 1, 'one alert');
    } finally {
      child.kill('SIGTERM');
      await onceEvent(child, 'close');
    }
  });

  it('an unreadable or malformed feed falls back to a full listing, and nothing is lost', async () => {
    const s = fresh();
    const channel = ['--channel', CHANNEL];
    await once(s, channel);
    const sent = tg.messages.length;
    const [video] = yt.addVideos(1, 'flaky');
    yt.playlists.get(UPLOADS)!.unshift(video!.id);
    feeds.failNext(1, 'http500');
    assert.equal(await once(s, channel), 3 + 3, 'full listing instead of the feed');
    assert.equal(tg.messages.length, sent + 1);
    feeds.failNext(1, 'malformed');
    assert.equal(await once(s, channel), 3 + 3);
    assert.equal(tg.messages.length, sent + 1, 'no second alert for the same video');
  });
});
