/** The history query for one video over 30 days of one-minute points, on SQLite and PostgreSQL. */
import { openHistoryDb } from '../src/app/history/db.js';
import { HistoryStore } from '../src/app/history/store.js';
import type { VideoSnapshot } from '../src/app/core/events.js';
import { startPostgres } from '../test/helpers/postgres.js';
import { median, percentile, withTempDir } from './util.js';

const MIN = 60_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 31);

const snap = (videoId: string, fetchedAt: number, i: number): VideoSnapshot => ({
  v: 1, type: 'snapshot', videoId, title: `Video ${videoId}`, channelId: null, channelTitle: null, publishedAt: null,
  views: 1000 + i * 3, likes: 10 + (i >> 4), comments: i >> 8, fetchedAt, pollId: 'bench',
});

async function fill(store: HistoryStore, videos: number): Promise<void> {
  for (let v = 0; v < videos; v++) {
    const id = `vid${String(v).padStart(8, '0')}`;
    let batch: VideoSnapshot[] = [];
    for (let i = 0; i < 30 * 1440; i++) {
      batch.push(snap(id, NOW - 30 * DAY + i * MIN, i));
      if (batch.length === 5000) {
        await store.addEvents(batch);
        batch = [];
      }
    }
    await store.addEvents(batch);
  }
}

async function time(fn: () => Promise<unknown>, runs = 50): Promise<{ medianMs: number; p99Ms: number }> {
  for (let i = 0; i < 3; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return { medianMs: Number(median(xs).toFixed(1)), p99Ms: Number(percentile(xs, 99).toFixed(1)) };
}

export interface HistoryRow {
  store: string;
  points: number;
  query: string;
  medianMs: number;
  p99Ms: number;
}

async function measure(name: string, store: HistoryStore, videos: number): Promise<HistoryRow[]> {
  await fill(store, videos);
  const id = 'vid00000000';
  const points = videos * 30 * 1440;
  const rows: HistoryRow[] = [];
  const add = async (query: string, fn: () => Promise<unknown>) => rows.push({ store: name, points, query, ...(await time(fn)) });
  await add('30 days, step 1 h (720 points)', () => store.history(id, { from: NOW - 30 * DAY, to: NOW, stepMs: 3_600_000, limit: 5000 }));
  await add('30 days, step 43.2 min (1,000 points)', () => store.history(id, { from: NOW - 30 * DAY, to: NOW, stepMs: 2_592_000, limit: 5000 }));
  await add('30 days, no step (first 5,000 raw points: the API default limit)', () => store.history(id, { from: NOW - 30 * DAY, to: NOW, limit: 5000 }));
  await add('24 h, raw (1,440 points)', () => store.history(id, { from: NOW - DAY, to: NOW, limit: 5000 }));
  await add(`/videos list with deltas (${videos} videos)`, () => store.listVideos({ sort: 'views_24h' }));
  return rows;
}

export async function benchHistory(videos: number): Promise<{ videos: number; rows: HistoryRow[] }> {
  const clock = () => NOW;
  const rows: HistoryRow[] = [];
  await withTempDir(async (dir) => {
    const lite = new HistoryStore(await openHistoryDb({ dataDir: dir }), clock);
    try {
      rows.push(...(await measure('SQLite', lite, videos)));
    } finally {
      await lite.close();
    }
    const pg = await startPostgres();
    try {
      const store = new HistoryStore(await openHistoryDb({ dataDir: dir, databaseUrl: await pg.newDatabase() }), clock);
      try {
        rows.push(...(await measure('PostgreSQL', store, videos)));
      } finally {
        await store.close();
      }
    } finally {
      await pg.stop();
    }
  });
  return { videos, rows };
}
