import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { youtube } from '@googleapis/youtube';
import { FakeYouTube, type FakeYouTubeOptions } from '../src/app/fakes/youtube.js';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

async function start(t: TestContext, options?: FakeYouTubeOptions): Promise<FakeYouTube> {
  const fake = await FakeYouTube.start(options);
  t.after(() => fake.close());
  return fake;
}

async function get(
  fake: FakeYouTube,
  resource: string,
  params: Record<string, string | number>,
  init: RequestInit = {},
): Promise<Reply> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const res = await fetch(`${fake.url}/youtube/v3/${resource}?${query}`, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

const key = { key: 'test-key' };

function assertError(reply: Reply, code: number, reason: string, domain?: string): void {
  assert.equal(reply.status, code, reply.text);
  assert.equal(reply.body.error.code, code);
  assert.equal(reply.body.error.errors[0].reason, reason);
  assert.equal(reply.body.error.errors[0].message, reply.body.error.message);
  if (domain) assert.equal(reply.body.error.errors[0].domain, domain);
}

describe('FakeYouTube playlistItems.list', () => {
  it('pages with a default of 5 and opaque tokens', async (t) => {
    const fake = await start(t);
    const ids = fake.addVideos(12).map((v) => v.id);
    fake.addPlaylist('PLtest', ids);
    const seen: string[] = [];
    const sizes: number[] = [];
    let pageToken: string | undefined;
    do {
      const r = await get(fake, 'playlistItems', { ...key, part: 'contentDetails', playlistId: 'PLtest',
        ...(pageToken ? { pageToken } : {}) });
      assert.equal(r.status, 200);
      assert.equal(r.body.kind, 'youtube#playlistItemListResponse');
      assert.equal(typeof r.body.etag, 'string');
      assert.deepEqual(r.body.pageInfo, { totalResults: 12, resultsPerPage: 5 });
      for (const item of r.body.items) {
        assert.equal(item.kind, 'youtube#playlistItem');
        assert.equal(typeof item.id, 'string');
        assert.equal(item.contentDetails.videoPublishedAt, fake.videos.get(item.contentDetails.videoId)?.publishedAt);
        seen.push(item.contentDetails.videoId);
      }
      sizes.push(r.body.items.length);
      pageToken = r.body.nextPageToken;
      if (pageToken) assert.ok(!/^\d+$/.test(pageToken), 'token should be opaque');
    } while (pageToken);
    assert.deepEqual(sizes, [5, 5, 2]);
    assert.deepEqual(seen, ids);
    assert.equal(fake.unitsUsed, 3);
  });

  it('serves at most 50 per page and rejects maxResults outside 0..50', async (t) => {
    const fake = await start(t);
    fake.addPlaylist('PLbig', fake.addVideos(60).map((v) => v.id));
    const first = await get(fake, 'playlistItems', { ...key, part: 'contentDetails', playlistId: 'PLbig', maxResults: 50 });
    assert.equal(first.body.items.length, 50);
    const second = await get(fake, 'playlistItems', {
      ...key, part: 'contentDetails', playlistId: 'PLbig', maxResults: 50, pageToken: first.body.nextPageToken,
    });
    assert.equal(second.body.items.length, 10);
    assert.equal(second.body.nextPageToken, undefined);
    assert.equal(typeof second.body.prevPageToken, 'string');
    const zero = await get(fake, 'playlistItems', { ...key, part: 'contentDetails', playlistId: 'PLbig', maxResults: 0 });
    assert.deepEqual(zero.body.items, []);
    for (const bad of [51, -1, 'ten']) {
      const r = await get(fake, 'playlistItems', { ...key, part: 'contentDetails', playlistId: 'PLbig', maxResults: bad });
      assertError(r, 400, 'invalidValue');
      assert.match(r.body.error.message, /\[0, 50\]/);
    }
  });

  it('rejects invalid page tokens and unknown playlists', async (t) => {
    const fake = await start(t);
    fake.addPlaylist('PLx', fake.addVideos(3).map((v) => v.id));
    const bad = await get(fake, 'playlistItems', { ...key, part: 'contentDetails', playlistId: 'PLx', pageToken: 'nope' });
    assertError(bad, 400, 'invalidPageToken', 'youtube.parameter');
    const missing = await get(fake, 'playlistItems', { ...key, part: 'contentDetails', playlistId: 'PLmissing' });
    assertError(missing, 404, 'playlistNotFound', 'youtube.playlistItem');
    assert.match(missing.body.error.message, /playlistId/);
  });

  it('includes snippet only when asked', async (t) => {
    const fake = await start(t);
    const [video] = fake.addVideos(1);
    fake.addPlaylist('PLs', [video!.id]);
    const r = await get(fake, 'playlistItems', { ...key, part: 'snippet,contentDetails', playlistId: 'PLs' });
    const item = r.body.items[0];
    assert.equal(item.snippet.title, video!.title);
    assert.equal(item.snippet.resourceId.videoId, video!.id);
    assert.equal(item.snippet.position, 0);
    const bare = await get(fake, 'playlistItems', { ...key, part: 'contentDetails', playlistId: 'PLs' });
    assert.equal(bare.body.items[0].snippet, undefined);
  });
});

describe('FakeYouTube videos.list', () => {
  it('rejects more than 50 ids and accepts exactly 50', async (t) => {
    const fake = await start(t);
    const ids = fake.addVideos(51).map((v) => v.id);
    const tooMany = await get(fake, 'videos', { ...key, part: 'statistics', id: ids.join(',') });
    assertError(tooMany, 400, 'invalidFilters');
    assert.equal(tooMany.body.error.message, 'The request specifies an invalid filter parameter.');
    const ok = await get(fake, 'videos', { ...key, part: 'statistics', id: ids.slice(0, 50).join(',') });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.items.length, 50);
  });

  it('omits unknown ids and hidden counts; counts are strings', async (t) => {
    const fake = await start(t);
    const [a, b, c] = fake.addVideos(3);
    b!.likes = null;
    c!.comments = null;
    const r = await get(fake, 'videos', { ...key, part: 'snippet,statistics', id: `${a!.id},gone0000000,${b!.id},${c!.id}` });
    assert.equal(r.status, 200);
    assert.equal(r.body.kind, 'youtube#videoListResponse');
    assert.deepEqual(r.body.items.map((i: { id: string }) => i.id), [a!.id, b!.id, c!.id]);
    assert.deepEqual(r.body.pageInfo, { totalResults: 3, resultsPerPage: 3 });
    const [sa, sb, sc] = r.body.items.map((i: { statistics: unknown }) => i.statistics);
    assert.deepEqual(sa, { viewCount: String(a!.views), likeCount: String(a!.likes), favoriteCount: '0',
      commentCount: String(a!.comments) });
    assert.equal('likeCount' in sb, false);
    assert.equal(sb.commentCount, String(b!.comments));
    assert.equal('commentCount' in sc, false);
    for (const s of [sa, sb, sc]) assert.equal('dislikeCount' in s, false);
    const snippet = r.body.items[0].snippet;
    assert.equal(snippet.title, a!.title);
    for (const field of ['channelId', 'channelTitle', 'publishedAt']) assert.equal(typeof snippet[field], 'string');
  });

  it('requires part and a filter', async (t) => {
    const fake = await start(t);
    assertError(await get(fake, 'videos', { ...key, id: 'x' }), 400, 'required');
    assertError(await get(fake, 'videos', { ...key, part: 'statistics' }), 400, 'missingRequiredParameter');
    assertError(await get(fake, 'videos', { ...key, part: 'bogus', id: 'x' }), 400, 'unknownPart', 'youtube.part');
  });
});

describe('FakeYouTube channels.list', () => {
  it('finds uploads by id and by handle; unknown gives no items', async (t) => {
    const fake = await start(t);
    fake.addChannel('UCabcdefghijklmnopqrstuv', 'UUabcdefghijklmnopqrstuv', '@SomeOne');
    const byId = await get(fake, 'channels', { ...key, part: 'contentDetails', id: 'UCabcdefghijklmnopqrstuv' });
    assert.equal(byId.body.items[0].contentDetails.relatedPlaylists.uploads, 'UUabcdefghijklmnopqrstuv');
    for (const forHandle of ['@SomeOne', 'someone']) {
      const r = await get(fake, 'channels', { ...key, part: 'contentDetails,snippet', forHandle });
      assert.equal(r.body.items[0].id, 'UCabcdefghijklmnopqrstuv');
      assert.equal(r.body.items[0].snippet.customUrl, '@someone');
    }
    const unknown = await get(fake, 'channels', { ...key, part: 'contentDetails', forHandle: '@nobody' });
    assert.equal(unknown.status, 200);
    assert.equal(unknown.body.kind, 'youtube#channelListResponse');
    assert.equal('items' in unknown.body, false);
    assert.equal(unknown.body.pageInfo.totalResults, 0);
  });
});

describe('FakeYouTube auth, quota, etag', () => {
  it('answers missing and wrong keys like Google, at no cost', async (t) => {
    const fake = await start(t);
    const none = await get(fake, 'videos', { part: 'statistics', id: 'x' });
    assertError(none, 403, 'forbidden', 'global');
    assert.equal(none.body.error.status, 'PERMISSION_DENIED');
    assert.match(none.body.error.message, /^Method doesn't allow unregistered callers/);
    const wrong = await get(fake, 'videos', { key: 'nope', part: 'statistics', id: 'x' });
    assertError(wrong, 400, 'badRequest');
    assert.equal(wrong.body.error.message, 'API key not valid. Please pass a valid API key.');
    assert.equal(wrong.body.error.status, 'INVALID_ARGUMENT');
    assert.equal(fake.unitsUsed, 0);
  });

  it('answers unknown resources with a Google 404', async (t) => {
    const fake = await start(t);
    const r = await get(fake, 'search', { ...key, part: 'snippet' });
    assertError(r, 404, 'notFound');
    assert.equal(r.body.error.status, 'NOT_FOUND');
  });

  it('charges errors too and stops at the daily quota', async (t) => {
    const fake = await start(t, { dailyQuota: 3 });
    fake.addVideos(1);
    assert.equal((await get(fake, 'videos', { ...key, part: 'statistics', id: 'vid00000001' })).status, 200);
    assert.equal((await get(fake, 'playlistItems', { ...key, part: 'contentDetails', playlistId: 'PLno' })).status, 404);
    assert.equal((await get(fake, 'videos', { ...key, part: 'statistics', id: 'vid00000001' })).status, 200);
    assert.equal(fake.unitsUsed, 3);
    const over = await get(fake, 'videos', { ...key, part: 'statistics', id: 'vid00000001' });
    assertError(over, 403, 'quotaExceeded', 'youtube.quota');
    assert.equal(over.body.error.message,
      'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.');
    assert.equal(fake.unitsUsed, 3);
    fake.resetUnits();
    assert.equal((await get(fake, 'videos', { ...key, part: 'statistics', id: 'vid00000001' })).status, 200);
    assert.deepEqual(fake.requests.map((r) => r.status), [200, 404, 200, 403, 200]);
    assert.deepEqual(fake.requests[0], { resource: 'videos', query: { ...key, part: 'statistics', id: 'vid00000001' },
      status: 200 });
  });

  it('answers 304 to a matching If-None-Match and still charges a unit', async (t) => {
    const fake = await start(t);
    const [video] = fake.addVideos(1);
    const params = { ...key, part: 'statistics', id: video!.id };
    const first = await get(fake, 'videos', params);
    const etag = first.headers.get('etag');
    assert.equal(etag, `"${first.body.etag}"`);
    const again = await get(fake, 'videos', params, { headers: { 'if-none-match': etag! } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    video!.views += 1;
    const changed = await get(fake, 'videos', params, { headers: { 'if-none-match': etag! } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.body.etag, first.body.etag);
    assert.equal(fake.unitsUsed, 3);
  });
});

describe('FakeYouTube faults', () => {
  it('injects 500, 503, quota, truncated and HTML bodies on matching requests', async (t) => {
    const fake = await start(t);
    fake.addPlaylist('PLf', fake.addVideos(2).map((v) => v.id));
    const videos = { ...key, part: 'statistics', id: 'vid00000001' };
    fake.failNext(1, 'http500', 'videos');
    const other = await get(fake, 'playlistItems', { ...key, part: 'contentDetails', playlistId: 'PLf' });
    assert.equal(other.status, 200);
    assertError(await get(fake, 'videos', videos), 500, 'backendError');
    fake.failNext(2, 'http503');
    assertError(await get(fake, 'videos', videos), 503, 'backendError');
    assertError(await get(fake, 'videos', videos), 503, 'backendError');
    assert.equal((await get(fake, 'videos', videos)).status, 200);
    fake.failNext(1, 'quota');
    assertError(await get(fake, 'videos', videos), 403, 'quotaExceeded', 'youtube.quota');
    fake.failNext(1, 'truncated');
    const cut = await get(fake, 'videos', videos);
    assert.equal(cut.status, 200);
    assert.throws(() => JSON.parse(cut.text), SyntaxError);
    fake.failNext(1, 'nonjson');
    const html = await get(fake, 'videos', videos);
    assert.equal(html.status, 502);
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    assert.match(html.text, /^<!DOCTYPE html>/);
    assert.equal(fake.unitsUsed, 8);
  });

  it('resets sockets and hangs until close', async (t) => {
    const fake = await start(t);
    fake.addVideos(1);
    const url = `${fake.url}/youtube/v3/videos?key=test-key&part=statistics&id=vid00000001`;
    fake.failNext(1, 'reset');
    await assert.rejects(fetch(url), TypeError);
    fake.failNext(1, 'timeout');
    const hung = fetch(url);
    const settled = hung.then(() => 'answered', () => 'failed');
    assert.equal((await fetch(url)).status, 200);
    await fake.close();
    assert.equal(await settled, 'failed');
    assert.deepEqual(fake.requests.map((r) => r.status), [0, 0, 200]);
  });
});

describe('FakeYouTube data helpers and simulation', () => {
  it('makes deterministic YouTube-like ids', async (t) => {
    const fake = await start(t);
    const ids = [...fake.addVideos(2), ...fake.addVideos(1, 'ab')].map((v) => v.id);
    assert.deepEqual(ids, ['vid00000001', 'vid00000002', 'ab000000001']);
    assert.deepEqual(fake.addVideos(1).map((v) => v.id), ['vid00000003']);
    assert.throws(() => fake.addVideos(1, 'bad prefix'), RangeError);
  });

  it('fills demo data with awkward titles and hidden counts', async (t) => {
    const fake = await start(t);
    const demo = FakeYouTube.demoData(fake);
    assert.match(demo.playlistId, /^PLdemo/);
    assert.equal(fake.playlists.get(demo.playlistId)?.length, 6);
    for (const v of demo.videos) assert.match(v.id, /^[A-Za-z0-9_-]{11}$/);
    assert.ok(demo.videos.some((v) => v.title.includes('&') && v.title.includes('<')));
    assert.ok(demo.videos.some((v) => v.likes === null));
    const ch = await get(fake, 'channels', { ...key, part: 'contentDetails', forHandle: '@ytwatchdemo' });
    assert.equal(fake.playlists.get(ch.body.items[0].contentDetails.relatedPlaylists.uploads)?.length, 6);
  });

  it('ticks counts up, never touching hidden ones', async (t) => {
    const fake = await start(t);
    const [open, hidden] = fake.addVideos(2);
    hidden!.likes = null;
    hidden!.comments = null;
    const before = { views: open!.views, likes: open!.likes!, comments: open!.comments! };
    fake.tick(() => 0.01);
    assert.ok(open!.views > before.views);
    assert.ok(open!.likes! > before.likes);
    assert.ok(open!.comments! > before.comments);
    assert.equal(hidden!.likes, null);
    assert.equal(hidden!.comments, null);
  });

  it('simulates on a timer until stopped', async (t) => {
    const fake = await start(t);
    const [video] = fake.addVideos(1);
    const views = video!.views;
    let called!: () => void;
    const firstStep = new Promise<void>((resolve) => (called = resolve));
    const stop = fake.simulate({ everyMs: 5, random: () => (called(), 0.5) });
    await firstStep;
    stop();
    assert.ok(video!.views > views);
  });
});

describe('FakeYouTube with @googleapis/youtube', () => {
  it('serves the real client, arrays and errors included', async (t) => {
    const fake = await start(t);
    const ids = fake.addVideos(7).map((v) => v.id);
    fake.addPlaylist('PLreal', ids);
    const yt = youtube({ version: 'v3', auth: 'test-key', rootUrl: `${fake.url}/` });
    const page = await yt.playlistItems.list({ part: ['contentDetails'], playlistId: 'PLreal' });
    assert.equal(page.data.items?.length, 5);
    const vids = await yt.videos.list({ part: ['snippet', 'statistics'], id: ids.slice(0, 3) });
    assert.deepEqual(vids.data.items?.map((v) => v.statistics?.viewCount), ['1000', '2000', '3000']);
    assert.equal(fake.requests[1]?.query.part, 'snippet,statistics');
    await assert.rejects(yt.playlistItems.list({ part: ['contentDetails'], playlistId: 'PLnone' }),
      (err: { status?: number; response?: { data?: { error?: { errors?: Array<{ reason: string }> } } } }) =>
        err.status === 404 && err.response?.data?.error?.errors?.[0]?.reason === 'playlistNotFound');
  });
});
