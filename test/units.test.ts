/** Pure pieces: target parsing, rules, formatting, partitioning, config intervals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChannel, parsePlaylist, parseVideo } from '../src/app/youtube/targets.js';
import { firedRules } from '../src/app/stages/rules.js';
import { alertHtml, escapeHtml, pack } from '../src/app/sinks/format.js';
import { murmur2, partitionFor } from '../src/engine/core/partition.js';
import { parseInterval } from '../src/app/config/load.js';
import { autoInterval, unitsPerPoll } from '../src/app/stages/fetch.js';
import { nextPacificMidnight, pacificDay } from '../src/engine/core/time.js';
import type { Alert } from '../src/app/core/events.js';

describe('targets', () => {
  it('parses video ids and URLs', () => {
    for (const input of ['dQw4w9WgXcQ', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1', 'https://youtu.be/dQw4w9WgXcQ', 'youtube.com/shorts/dQw4w9WgXcQ', 'https://m.youtube.com/live/dQw4w9WgXcQ']) {
      assert.deepEqual(parseVideo(input), { kind: 'video', id: 'dQw4w9WgXcQ' }, input);
    }
    assert.throws(() => parseVideo('dQw4w9WgXc'), /not a YouTube video/);
    assert.throws(() => parseVideo('https://evil.example/watch?v=dQw4w9WgXcQ'), /not a YouTube video/);
  });
  it('parses playlists and channels', () => {
    assert.deepEqual(parsePlaylist('https://www.youtube.com/playlist?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG'), { kind: 'playlist', id: 'PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG' });
    assert.throws(() => parsePlaylist('PL bad; drop table'), /not a YouTube playlist/);
    assert.deepEqual(parseChannel('UC_x5XG1OV2P6uZZ5FSM9Ttw'), { kind: 'channel', id: 'UC_x5XG1OV2P6uZZ5FSM9Ttw' });
    assert.deepEqual(parseChannel('https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw/videos'), { kind: 'channel', id: 'UC_x5XG1OV2P6uZZ5FSM9Ttw' });
    assert.deepEqual(parseChannel('https://www.youtube.com/@GoogleDevelopers'), { kind: 'channel', handle: '@GoogleDevelopers' });
    assert.deepEqual(parseChannel('@GoogleDevelopers'), { kind: 'channel', handle: '@GoogleDevelopers' });
    assert.throws(() => parseChannel('@'), /not a YouTube channel/);
  });
});

describe('rules', () => {
  it('seed 000 defaults: any change, and views crossing a multiple of 200', () => {
    assert.deepEqual(firedRules({ any: true }, 10, 11), ['any']);
    assert.deepEqual(firedRules({ every: 200 }, 399, 400), ['every:200']);
    assert.deepEqual(firedRules({ every: 200 }, 400, 599), []);
    assert.deepEqual(firedRules({ every: 200 }, 401, 399), ['every:200']);
  });
  it('unknown on either side never fires', () => {
    assert.deepEqual(firedRules({ any: true }, null, 5), []);
    assert.deepEqual(firedRules({ any: true }, 5, null), []);
    assert.deepEqual(firedRules({ any: true }, 5, 5), []);
  });
  it('delta, percent (seed 003) and milestones', () => {
    assert.deepEqual(firedRules({ delta: 10 }, 100, 109), []);
    assert.deepEqual(firedRules({ delta: 10 }, 100, 90), ['delta:10']);
    assert.deepEqual(firedRules({ percent: 5 }, 100, 104), []);
    assert.deepEqual(firedRules({ percent: 5 }, 100, 105), ['percent:5']);
    assert.deepEqual(firedRules({ percent: 5 }, 0, 5), []);
    assert.deepEqual(firedRules({ milestones: [1000, 10000] }, 999, 10001), ['milestone:1000', 'milestone:10000']);
    assert.deepEqual(firedRules({ milestones: [1000] }, 1000, 1200), []);
  });
});

describe('formatting', () => {
  const alert = (over: Partial<Alert> = {}): Alert => ({
    v: 1, id: 'x', videoId: 'abcdefghijk', title: 'Tom & Jerry <live>', kind: 'change', metric: 'likes', previous: 1000, current: 1234, rules: ['any'], at: 0, ...over,
  });
  it('escapes everything from YouTube in HTML', () => {
    assert.equal(escapeHtml('<a href="x">&</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
    const html = alertHtml(alert());
    assert.match(html, /Likes<\/b> changed: 1,000 → 1,234 \(\+234\)/);
    assert.match(html, /<a href="https:\/\/www\.youtube\.com\/watch\?v=abcdefghijk">Tom &amp; Jerry &lt;live&gt;<\/a>/);
    assert.match(alertHtml(alert({ metric: 'views', previous: 1190, current: 1210, rules: ['every:200'] })), /passed 1,200/);
  });
  it('packs messages under the limit, in order, and never drops one', () => {
    const items = Array.from({ length: 50 }, (_, i) => 'x'.repeat(100) + i);
    const packed = pack(items, (s) => s, 1000);
    assert.ok(packed.every((m) => m.text.length <= 1000));
    assert.deepEqual(packed.flatMap((m) => m.items), items);
    const huge = pack(['y'.repeat(5000)], (s) => s, 4096);
    assert.equal(huge.length, 1);
    assert.equal(huge[0]!.text.length, 4096);
  });
});

describe('partitioner and time', () => {
  it('matches Kafka murmur2 partitioning', () => {
    // Apache Kafka's UtilsTest.testMurmur2 vectors.
    const vectors: Record<string, number> = {
      '21': -973932308,
      foobar: -790332482,
      'a-little-bit-long-string': -985981536,
      'a-little-bit-longer-string': -1486304829,
      lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8: -58897971,
      abc: 479470107,
    };
    for (const [key, hash] of Object.entries(vectors)) {
      assert.equal(murmur2(Buffer.from(key)), hash, key);
      assert.equal(partitionFor(key, 6), (hash & 0x7fffffff) % 6);
    }
    assert.equal(partitionFor(null, 6), 0);
    for (const key of ['é ✓', 'v0000000001', 'x'.repeat(200), `${'a'.repeat(70)}é`]) {
      assert.equal(partitionFor(key, 7), (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % 7, key);
    }
    assert.ok([...'abcdefghijklmnop'].every((k) => partitionFor(k, 3) === partitionFor(k, 3)));
  });
  it('Pacific days and the next midnight', () => {
    const t = Date.UTC(2026, 10, 24, 7, 59, 0); // 23:59 PST on Nov 23
    assert.equal(pacificDay(t), '2026-11-23');
    assert.equal(nextPacificMidnight(t), Date.UTC(2026, 10, 24, 8, 0, 0));
    const summer = Date.UTC(2026, 6, 1, 12, 0, 0);
    assert.equal(nextPacificMidnight(summer), Date.UTC(2026, 6, 2, 7, 0, 0));
  });
  it('intervals and the quota arithmetic', () => {
    assert.equal(parseInterval('5m'), 300);
    assert.equal(parseInterval(90), 90);
    assert.equal(parseInterval('auto'), 'auto');
    assert.throws(() => parseInterval('soon'), /bad interval/);
    assert.equal(unitsPerPoll([120], 120), 6);
    assert.equal(unitsPerPoll([5000], 5000), 200);
    assert.equal(autoInterval(6, 10_000), 52);
    assert.equal(autoInterval(1, 10_000), 10);
  });
});
