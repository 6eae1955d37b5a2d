/**
 * The history store's behaviour, shared by the SQLite and PostgreSQL test files (like Hono's
 * `router/common.case.test.ts`): each dialect must pass every case.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert, VideoChange, VideoEvent, VideoSnapshot } from '../src/app/core/events.js';
import { openHistoryDb } from '../src/app/history/db.js';
import { HistoryStore, type FeedEntry } from '../src/app/history/store.js';

/** Opens a fresh, empty store location: `{ dataDir }` for SQLite, `{ databaseUrl }` for PostgreSQL. */
export type FreshLocation = () => Promise<{ dataDir: string; databaseUrl?: string }>;

const H = 3_600_000;
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

export function snap(videoId: string, fetchedAt: number, views: number, likes: number | null = 10, comments: number | null = 1): VideoSnapshot {
  return { v: 1, type: 'snapshot', videoId, title: `Video ${videoId}`, channelId: 'UCx', channelTitle: 'Chan', publishedAt: '2024-01-01T00:00:00Z', views, likes, comments, fetchedAt, pollId: `p${fetchedAt}` };
}

function change(videoId: string, at: number, prev: number, cur: number): VideoChange {
  return { v: 1, videoId, title: `Video ${videoId}`, at, views_previous: prev, views_current: cur, likes_previous: 1, likes_current: 1, comments_previous: 0, comments_current: 0, unavailable: false };
}

function alert(id: string, videoId: string, at: number): Alert {
  return { v: 1, id, videoId, title: `Video ${videoId}`, kind: 'change', metric: 'likes', previous: 1, current: 2, rules: ['any'], at };
}

export function storeCases(dialect: 'sqlite' | 'postgres', fresh: FreshLocation): void {
  const open = async (clock = () => NOW) => {
    const loc = await fresh();
    const store = new HistoryStore(await openHistoryDb(loc), clock);
    return { store, loc };
  };

  describe(`history store on ${dialect}`, () => {
    it('opens with the migrations applied, and opening again is a no-op', async () => {
      const { store, loc } = await open();
      assert.equal(store.dialect, dialect);
      await store.ping();
      await store.close();
      const again = new HistoryStore(await openHistoryDb(loc));
      assert.equal(await again.countVideos(), 0);
      await again.close();
    });

    it('stores snapshots idempotently: a replayed batch adds nothing', async () => {
      const { store } = await open();
      try {
        const batch: VideoEvent[] = [snap('aaaaaaaaaaa', NOW - 2 * H, 100), snap('aaaaaaaaaaa', NOW, 150), snap('bbbbbbbbbbb', NOW, 7)];
        assert.equal(await store.addEvents(batch), 3);
        assert.equal(await store.addEvents(batch), 0);
        const { points } = await store.history('aaaaaaaaaaa', { from: 0, to: NOW, limit: 100 });
        assert.deepEqual(points.map((p) => p.views), [100, 150]);
        assert.equal(await store.countVideos(), 2);
      } finally {
        await store.close();
      }
    });

    it('keeps the newest state per video; an older snapshot or an unavailable event does not erase numbers', async () => {
      const { store } = await open();
      try {
        await store.addEvents([snap('aaaaaaaaaaa', NOW, 500, null, 3)]);
        await store.addEvents([snap('aaaaaaaaaaa', NOW - H, 400)]);
        let v = await store.getVideo('aaaaaaaaaaa');
        assert.deepEqual(v?.stats, { views: 500, likes: null, comments: 3 });
        assert.equal(v?.firstFetchedAt, NOW);
        assert.equal(v?.available, true);
        await store.addEvents([{ v: 1, type: 'unavailable', videoId: 'aaaaaaaaaaa', fetchedAt: NOW + H, pollId: 'x' }]);
        v = await store.getVideo('aaaaaaaaaaa');
        assert.equal(v?.available, false);
        assert.equal(v?.fetchedAt, NOW + H);
        assert.equal(v?.stats.views, 500);
        assert.equal(await store.getVideo('zzzzzzzzzzz'), undefined);
      } finally {
        await store.close();
      }
    });

    it('computes deltas over 1 h, 24 h and 7 d from the baseline snapshot of each window', async () => {
      const { store } = await open();
      try {
        // Minute-free series: 8 days ago 0, 2 days ago 1000, 3 h ago 1500, 30 min ago 1600, now 1700.
        await store.addEvents([
          snap('aaaaaaaaaaa', NOW - 8 * 24 * H, 0),
          snap('aaaaaaaaaaa', NOW - 48 * H, 1000),
          snap('aaaaaaaaaaa', NOW - 3 * H, 1500),
          snap('aaaaaaaaaaa', NOW - H / 2, 1600),
          snap('aaaaaaaaaaa', NOW, 1700),
          // Seen for 2 h only: the 24 h and 7 d windows fall back to its oldest snapshot.
          snap('bbbbbbbbbbb', NOW - 2 * H, 10),
          snap('bbbbbbbbbbb', NOW, 5000),
        ]);
        const a = (await store.getVideo('aaaaaaaaaaa'))!;
        assert.deepEqual([a.deltas['1h'].views, a.deltas['24h'].views, a.deltas['7d'].views], [200, 700, 1700]);
        assert.equal(a.deltas['1h'].since, NOW - 3 * H);
        assert.equal(a.deltas['7d'].since, NOW - 8 * 24 * H);
        const b = (await store.getVideo('bbbbbbbbbbb'))!;
        assert.deepEqual([b.deltas['1h'].views, b.deltas['7d'].views, b.deltas['7d'].since], [4990, 4990, NOW - 2 * H]);
        assert.equal(b.deltas['24h'].likes, 0);
      } finally {
        await store.close();
      }
    });

    it('sorts (nulls last) and pages the video list', async () => {
      const { store } = await open();
      try {
        await store.addEvents([
          snap('aaaaaaaaaaa', NOW - 2 * H, 100), snap('aaaaaaaaaaa', NOW, 300, null),
          snap('bbbbbbbbbbb', NOW - 2 * H, 900), snap('bbbbbbbbbbb', NOW, 950, 50),
          snap('ccccccccccc', NOW, 10, 5),
        ]);
        const ids = async (o: Parameters<HistoryStore['listVideos']>[0]) => (await store.listVideos(o)).videos.map((v) => v.id[0]).join('');
        assert.equal(await ids({ sort: 'views' }), 'bac');
        assert.equal(await ids({ sort: 'views', order: 'asc' }), 'cab');
        assert.equal(await ids({ sort: 'views_24h' }), 'abc');
        assert.equal(await ids({ sort: 'likes' }), 'bca', 'hidden likes sort last');
        assert.equal(await ids({ sort: 'likes', order: 'asc' }), 'cba', 'hidden likes sort last both ways');
        assert.equal(await ids({ sort: 'title', order: 'asc', limit: 2, offset: 1 }), 'bc');
        assert.equal((await store.listVideos({ limit: 1 })).total, 3);
      } finally {
        await store.close();
      }
    });

    it('returns history in range, truncated at the limit, or downsampled to the last snapshot per bucket', async () => {
      const { store } = await open();
      try {
        const start = NOW - 24 * H;
        const events = Array.from({ length: 24 * 12 + 1 }, (_, i) => snap('aaaaaaaaaaa', start + i * 5 * 60_000, i));
        await store.addEvents(events);
        const raw = await store.history('aaaaaaaaaaa', { from: start, to: NOW, limit: 1000 });
        assert.equal(raw.points.length, 289);
        assert.equal(raw.truncated, false);
        const some = await store.history('aaaaaaaaaaa', { from: start, to: NOW, limit: 10 });
        assert.equal(some.points.length, 10);
        assert.equal(some.truncated, true);
        const hourly = await store.history('aaaaaaaaaaa', { from: start, to: NOW, stepMs: H, limit: 1000 });
        assert.equal(hourly.points.length, 25);
        assert.deepEqual(hourly.points.slice(0, 3).map((p) => p.views), [11, 23, 35]);
        assert.equal(hourly.points[0]!.t, start + 55 * 60_000);
        const window = await store.history('aaaaaaaaaaa', { from: NOW - H, to: NOW - H / 2, limit: 1000 });
        assert.deepEqual(window.points.map((p) => p.views), [276, 277, 278, 279, 280, 281, 282]);
        assert.deepEqual((await store.history('zzzzzzzzzzz', { from: 0, to: NOW, limit: 10 })).points, []);
      } finally {
        await store.close();
      }
    });

    it('records changes and alerts once, newest first, with filters', async () => {
      const { store } = await open();
      try {
        const entries: FeedEntry[] = [
          { kind: 'change', id: 'youtube_changes/0/0', videoId: 'aaaaaaaaaaa', title: 'A', at: NOW - 2000, change: change('aaaaaaaaaaa', NOW - 2000, 1, 2) },
          { kind: 'alert', id: 'youtube_videos/0/5/likes', videoId: 'aaaaaaaaaaa', title: 'A', at: NOW - 1000, alert: alert('youtube_videos/0/5/likes', 'aaaaaaaaaaa', NOW - 1000) },
          { kind: 'change', id: 'youtube_changes/0/1', videoId: 'bbbbbbbbbbb', title: 'B', at: NOW, change: change('bbbbbbbbbbb', NOW, 5, 9) },
        ];
        assert.equal((await store.addFeed(entries)).length, 3);
        assert.deepEqual((await store.addFeed(entries)).map((e) => e.id), []);
        const all = await store.feed({ limit: 10 });
        assert.deepEqual(all.map((e) => e.id), ['youtube_changes/0/1', 'youtube_videos/0/5/likes', 'youtube_changes/0/0']);
        const first = all[0]!;
        assert.equal(first.kind === 'change' && first.change.views_current, 9);
        assert.deepEqual((await store.feed({ limit: 10, videoId: 'aaaaaaaaaaa', kind: 'alert' })).map((e) => e.kind), ['alert']);
        assert.deepEqual((await store.feed({ limit: 10, before: NOW })).length, 2);
      } finally {
        await store.close();
      }
    });

    it('prunes what is older than the cutoff', async () => {
      const { store } = await open();
      try {
        await store.addEvents([snap('aaaaaaaaaaa', NOW - 100 * 24 * H, 1), snap('aaaaaaaaaaa', NOW, 2), snap('bbbbbbbbbbb', NOW - 95 * 24 * H, 3)]);
        await store.addFeed([{ kind: 'change', id: 'c/0/0', videoId: 'aaaaaaaaaaa', title: 'A', at: NOW - 99 * 24 * H, change: change('aaaaaaaaaaa', NOW - 99 * 24 * H, 1, 2) }]);
        const res = await store.prune(NOW - 90 * 24 * H);
        assert.deepEqual(res, { snapshots: 2, feed: 1, videos: 1 });
        assert.equal(await store.countVideos(), 1);
        assert.equal((await store.history('aaaaaaaaaaa', { from: 0, to: NOW, limit: 10 })).points.length, 1);
      } finally {
        await store.close();
      }
    });

    it('a video gone before the store saw it keeps its last known title, not its id', async () => {
      const { store } = await open();
      try {
        const gone = (videoId: string, at: number): VideoEvent => ({ v: 1, type: 'unavailable', videoId, fetchedAt: at, pollId: 'x' });
        // Its last snapshot in the same batch.
        await store.addEvents([snap('ccccccccccc', NOW, 5), gone('ccccccccccc', NOW + H)]);
        // Only the feed knows it (a change arrived first).
        const lost: VideoChange = { ...change('ddddddddddd', NOW, 1, 1), title: 'Known title', unavailable: true };
        await store.addFeed([{ kind: 'change', id: 'c/0/1', videoId: 'ddddddddddd', title: 'Known title', at: NOW, change: lost }]);
        await store.addEvents([gone('ddddddddddd', NOW + H)]);
        // Nothing known yet: the id, until the feed brings the title.
        await store.addEvents([gone('eeeeeeeeeee', NOW + H)]);
        const before = (await store.listVideos()).videos.find((v) => v.id === 'eeeeeeeeeee')!;
        assert.equal(before.title, 'eeeeeeeeeee');
        const late: VideoChange = { ...change('eeeeeeeeeee', NOW, 1, 1), title: 'Late title', unavailable: true };
        await store.addFeed([{ kind: 'change', id: 'c/0/2', videoId: 'eeeeeeeeeee', title: 'Late title', at: NOW, change: late }]);
        const titles = Object.fromEntries((await store.listVideos()).videos.map((v) => [v.id, { title: v.title, available: v.available }]));
        assert.deepEqual(titles.ccccccccccc, { title: 'Video ccccccccccc', available: false });
        assert.deepEqual(titles.ddddddddddd, { title: 'Known title', available: false });
        assert.deepEqual(titles.eeeeeeeeeee, { title: 'Late title', available: false });
      } finally {
        await store.close();
      }
    });

    it("keeps each alert's latest outcome per sink and attaches it to the feed", async () => {
      const { store } = await open();
      try {
        await store.addFeed([{ kind: 'alert', id: 'a1', videoId: 'aaaaaaaaaaa', title: 'Video aaaaaaaaaaa', at: NOW, alert: alert('a1', 'aaaaaaaaaaa', NOW) }]);
        await store.addDeliveries([
          { alertId: 'a1', sink: 'telegram', outcome: 'failed', reason: 'Telegram: 401 Unauthorized', at: NOW + 1 },
          { alertId: 'a1', sink: 'webhook', outcome: 'delivered', at: NOW + 1 },
        ]);
        // A replay that succeeds replaces the failure; an older record arriving late does not.
        await store.addDeliveries([{ alertId: 'a1', sink: 'telegram', outcome: 'delivered', at: NOW + 5 }]);
        await store.addDeliveries([{ alertId: 'a1', sink: 'telegram', outcome: 'failed', reason: 'late', at: NOW + 2 }]);
        const [entry] = await store.feed({ limit: 10, kind: 'alert' });
        assert.equal(entry!.kind, 'alert');
        const d = entry!.kind === 'alert' ? [...(entry!.delivery ?? [])].sort((x, y) => x.sink.localeCompare(y.sink)) : [];
        assert.deepEqual(d, [
          { sink: 'telegram', outcome: 'delivered', at: NOW + 5 },
          { sink: 'webhook', outcome: 'delivered', at: NOW + 1 },
        ]);
      } finally {
        await store.close();
      }
    });
  });
}
