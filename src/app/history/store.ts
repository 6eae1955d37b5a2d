import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Alert, Metric, VideoChange, VideoEvent } from '../core/events.js';
import { WINDOWS, type AlertDelivery, type Delta, type FeedEntry, type HistoryPoint, type Stats, type VideoSummary, type Window } from './models.js';
import type { Dialect, HistoryDb, HistorySchema } from './db.js';

export { WINDOWS, type Window, type Stats, type Delta, type VideoSummary, type HistoryPoint, type FeedEntry, type AlertDelivery } from './models.js';

export const SORT_KEYS = [
  'title', 'published', 'fetched', 'views', 'likes', 'comments',
  'views_1h', 'views_24h', 'views_7d', 'likes_1h', 'likes_24h', 'likes_7d', 'comments_1h', 'comments_24h', 'comments_7d',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface ListOptions {
  sort?: SortKey;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export interface HistoryQuery {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, inclusive. */
  to: number;
  /** Bucket width in ms; omitted: every snapshot. */
  stepMs?: number;
  /** Most points returned. */
  limit: number;
}

/**
 * The title to show for a video that became unavailable before the store had a row for it: its
 * last snapshot in this batch, else the last change or alert about it, else its id.
 */
async function lastKnownTitle(db: Kysely<HistorySchema>, batch: VideoEvent[], videoId: string): Promise<string> {
  const snap = batch.filter((e): e is Extract<VideoEvent, { type: 'snapshot' }> => e.type === 'snapshot' && e.videoId === videoId).at(-1);
  if (snap) return snap.title;
  const fed = await db.selectFrom('feed').select('title').where('video_id', '=', videoId).orderBy('at', 'desc').limit(1).executeTakeFirst();
  return fed?.title ?? videoId;
}

const METRIC_COLS = ['views', 'likes', 'comments'] as const;
const CHUNK = 500;

type Eb = ExpressionBuilder<HistorySchema & { v: HistorySchema['videos'] }, 'v'>;

/**
 * Reads and writes the history database. Every write is idempotent (primary keys with ON CONFLICT
 * DO NOTHING), so replaying a batch after a crash stores nothing twice.
 */
export class HistoryStore {
  readonly db: Kysely<HistorySchema>;
  /** Where the API's reads go: the worker-thread connection on SQLite, else `db`. */
  private readonly read: Kysely<HistorySchema>;
  readonly dialect: Dialect;
  readonly where: string;

  constructor(handle: HistoryDb, private readonly clock: () => number = Date.now) {
    this.db = handle.db;
    this.read = handle.reader ?? handle.db;
    this.dialect = handle.dialect;
    this.where = handle.where;
  }

  /**
   * Stores snapshots and updates each video's latest state (an older snapshot never overwrites a
   * newer one). `unavailable` events only flag the video. Returns how many snapshots were new.
   */
  async addEvents(events: VideoEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const latest = new Map<string, VideoEvent>();
    const first = new Map<string, number>();
    for (const ev of events) {
      const cur = latest.get(ev.videoId);
      if (!cur || ev.fetchedAt >= cur.fetchedAt) latest.set(ev.videoId, ev);
      first.set(ev.videoId, Math.min(first.get(ev.videoId) ?? ev.fetchedAt, ev.fetchedAt));
    }
    return this.db.transaction().execute(async (trx) => {
      let inserted = 0;
      const rows = events.flatMap((e) => (e.type === 'snapshot' ? [{ video_id: e.videoId, fetched_at: e.fetchedAt, views: e.views, likes: e.likes, comments: e.comments }] : []));
      for (let i = 0; i < rows.length; i += CHUNK) {
        const res = await trx.insertInto('snapshots').values(rows.slice(i, i + CHUNK)).onConflict((oc) => oc.doNothing()).executeTakeFirst();
        inserted += Number(res.numInsertedOrUpdatedRows ?? 0);
      }
      for (const ev of latest.values()) {
        const firstFetched = first.get(ev.videoId)!;
        const row = ev.type === 'snapshot'
          ? { video_id: ev.videoId, title: ev.title, channel_id: ev.channelId, channel_title: ev.channelTitle, published_at: ev.publishedAt, available: 1, views: ev.views, likes: ev.likes, comments: ev.comments, first_fetched: firstFetched, last_fetched: ev.fetchedAt }
          : { video_id: ev.videoId, title: await lastKnownTitle(trx, events, ev.videoId), channel_id: null, channel_title: null, published_at: null, available: 0, views: null, likes: null, comments: null, first_fetched: firstFetched, last_fetched: ev.fetchedAt };
        await trx
          .insertInto('videos')
          .values(row)
          .onConflict((oc) =>
            oc
              .column('video_id')
              .doUpdateSet((eb) =>
                ev.type === 'snapshot'
                  ? {
                      title: eb.ref('excluded.title'),
                      channel_id: eb.ref('excluded.channel_id'),
                      channel_title: eb.ref('excluded.channel_title'),
                      published_at: eb.ref('excluded.published_at'),
                      available: 1,
                      views: eb.ref('excluded.views'),
                      likes: eb.ref('excluded.likes'),
                      comments: eb.ref('excluded.comments'),
                      last_fetched: eb.ref('excluded.last_fetched'),
                    }
                  : { available: 0, last_fetched: eb.ref('excluded.last_fetched') },
              )
              .whereRef('videos.last_fetched', '<=', 'excluded.last_fetched'),
          )
          .execute();
      }
      return inserted;
    });
  }

  /** Records changes and alerts for the feed; returns the entries that were new (for live push). */
  async addFeed(entries: FeedEntry[]): Promise<FeedEntry[]> {
    if (entries.length === 0) return [];
    const fresh = new Set<string>();
    for (let i = 0; i < entries.length; i += CHUNK) {
      const rows = entries.slice(i, i + CHUNK).map((e) => ({
        id: e.id,
        kind: e.kind,
        video_id: e.videoId,
        title: e.title,
        at: e.at,
        data: JSON.stringify(e.kind === 'change' ? e.change : e.alert),
      }));
      const res = await this.db.insertInto('feed').values(rows).onConflict((oc) => oc.doNothing()).returning('id').execute();
      for (const r of res) fresh.add(r.id);
    }
    // A video first stored as unavailable has its id for a title; the feed knows its last title.
    for (const e of entries) {
      const gone = e.kind === 'change' ? e.change.unavailable : e.alert.kind === 'unavailable';
      if (gone && e.title !== e.videoId) await this.db.updateTable('videos').set({ title: e.title }).where('video_id', '=', e.videoId).whereRef('title', '=', 'video_id').execute();
    }
    return entries.filter((e) => fresh.has(e.id));
  }

  /** Records alerts' outcomes per sink; a newer outcome replaces an older one. */
  async addDeliveries(rows: Array<{ alertId: string } & AlertDelivery>): Promise<void> {
    for (const r of rows) {
      await this.db
        .insertInto('deliveries')
        .values({ alert_id: r.alertId, sink: r.sink, outcome: r.outcome, reason: r.reason ?? null, at: r.at })
        .onConflict((oc) => oc.columns(['alert_id', 'sink']).doUpdateSet({ outcome: r.outcome, reason: r.reason ?? null, at: r.at }).where('deliveries.at', '<=', r.at))
        .execute();
    }
  }

  /** The outcomes recorded for these alerts, by alert id. */
  async deliveriesOf(alertIds: string[]): Promise<Map<string, AlertDelivery[]>> {
    const out = new Map<string, AlertDelivery[]>();
    for (let i = 0; i < alertIds.length; i += CHUNK) {
      const rows = await this.db.selectFrom('deliveries').selectAll().where('alert_id', 'in', alertIds.slice(i, i + CHUNK)).execute();
      for (const r of rows) {
        const list = out.get(r.alert_id) ?? [];
        list.push({ sink: r.sink, outcome: r.outcome, ...(r.reason !== null ? { reason: r.reason } : {}), at: Number(r.at) });
        out.set(r.alert_id, list);
      }
    }
    return out;
  }

  /** Watched videos with current numbers and deltas, sorted and paged, plus the total count. */
  async listVideos(options: ListOptions = {}): Promise<{ total: number; videos: VideoSummary[] }> {
    const { sort = 'views', order = 'desc', limit = 100, offset = 0 } = options;
    const [total, rows] = await Promise.all([
      this.countVideos(),
      this.summaries()
        .orderBy(sortExpression(sort), (ob) => (order === 'asc' ? ob.asc() : ob.desc()).nullsLast())
        .orderBy('t.video_id')
        .limit(limit)
        .offset(offset)
        .execute(),
    ]);
    return { total, videos: rows.map(toSummary) };
  }

  /** How many videos the store holds. */
  async countVideos(): Promise<number> {
    const row = await this.read.selectFrom('videos').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** One video's summary, or `undefined` when it was never stored. */
  async getVideo(id: string): Promise<VideoSummary | undefined> {
    const row = await this.summaries(id).executeTakeFirst();
    return row ? toSummary(row) : undefined;
  }

  /**
   * A video's snapshots between `from` and `to`, oldest first. With `stepMs`, snapshots are bucketed
   * from `from` on and the last one of each bucket is returned (counters are cumulative, so the
   * last value is the bucket's value). `truncated` says more points existed than `limit`.
   */
  async history(id: string, q: HistoryQuery): Promise<{ points: HistoryPoint[]; truncated: boolean }> {
    let rows: Array<{ fetched_at: number; views: number | null; likes: number | null; comments: number | null }>;
    if (q.stepMs === undefined) {
      rows = await this.read
        .selectFrom('snapshots')
        .select(['fetched_at', 'views', 'likes', 'comments'])
        .where('video_id', '=', id)
        .where('fetched_at', '>=', q.from)
        .where('fetched_at', '<=', q.to)
        .orderBy('fetched_at')
        .limit(q.limit + 1)
        .execute();
    } else {
      const bucket = sql<number>`(${sql.ref('fetched_at')} - cast(${q.from} as bigint)) / cast(${Math.max(1, Math.floor(q.stepMs))} as bigint)`;
      const lasts = this.read
        .selectFrom('snapshots')
        .select((eb) => eb.fn.max('fetched_at').as('at'))
        .where('video_id', '=', id)
        .where('fetched_at', '>=', q.from)
        .where('fetched_at', '<=', q.to)
        .groupBy(bucket);
      // CROSS JOIN keeps SQLite's join order: the buckets first, then one primary-key lookup each
      // (left to itself it may rescan the buckets for every snapshot of the video).
      rows = await this.read
        .selectFrom(lasts.as('l'))
        .crossJoin('snapshots as s')
        .whereRef('s.fetched_at', '=', 'l.at')
        .where('s.video_id', '=', id)
        .select(['s.fetched_at', 's.views', 's.likes', 's.comments'])
        .orderBy('l.at')
        .limit(q.limit + 1)
        .execute();
    }
    const truncated = rows.length > q.limit;
    const points = rows.slice(0, q.limit).map((r) => ({ t: Number(r.fetched_at), views: num(r.views), likes: num(r.likes), comments: num(r.comments) }));
    return { points, truncated };
  }

  /** Recent changes and alerts, newest first; `before` (epoch ms, exclusive) pages back. */
  async feed(options: { limit: number; before?: number; videoId?: string; kind?: 'change' | 'alert' }): Promise<FeedEntry[]> {
    let q = this.read.selectFrom('feed').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(options.limit);
    if (options.before !== undefined) q = q.where('at', '<', options.before);
    if (options.videoId !== undefined) q = q.where('video_id', '=', options.videoId);
    if (options.kind !== undefined) q = q.where('kind', '=', options.kind);
    const rows = await q.execute();
    const deliveries = await this.deliveriesOf(rows.filter((r) => r.kind === 'alert').map((r) => r.id));
    return rows.map((r): FeedEntry => {
      const base = { id: r.id, videoId: r.video_id, title: r.title, at: Number(r.at) };
      const d = deliveries.get(r.id);
      return r.kind === 'alert' ? { ...base, kind: 'alert', alert: JSON.parse(r.data) as Alert, ...(d ? { delivery: d } : {}) } : { ...base, kind: 'change', change: JSON.parse(r.data) as VideoChange };
    });
  }

  /** Deletes snapshots, feed entries and videos not seen since `before` (epoch ms). */
  async prune(before: number): Promise<{ snapshots: number; feed: number; videos: number }> {
    return this.db.transaction().execute(async (trx) => {
      const s = await trx.deleteFrom('snapshots').where('fetched_at', '<', before).executeTakeFirst();
      const f = await trx.deleteFrom('feed').where('at', '<', before).executeTakeFirst();
      const v = await trx.deleteFrom('videos').where('last_fetched', '<', before).executeTakeFirst();
      return { snapshots: Number(s.numDeletedRows), feed: Number(f.numDeletedRows), videos: Number(v.numDeletedRows) };
    });
  }

  /** Throws when the database cannot be reached. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    if (this.read !== this.db) await this.read.destroy();
    await this.db.destroy();
  }

  /**
   * Videos with, per window, the baseline snapshot's time (`at_1h`…) and values (`views_1h`…). Every
   * lookup is a scalar subquery on the primary key, so the plan stays index lookups per video
   * whatever the planner's statistics say (a join here made PostgreSQL hash a whole video's history).
   */
  private summaries(id?: string) {
    const now = this.clock();
    const baseline = (eb: Eb, w: Window) =>
      eb.fn.coalesce(
        eb.selectFrom('snapshots as s').select('s.fetched_at').whereRef('s.video_id', '=', 'v.video_id').where('s.fetched_at', '<=', now - WINDOWS[w]).orderBy('s.fetched_at', 'desc').limit(1),
        eb.selectFrom('snapshots as s').select('s.fetched_at').whereRef('s.video_id', '=', 'v.video_id').orderBy('s.fetched_at', 'asc').limit(1),
      );
    let b = this.read
      .selectFrom('videos as v')
      .selectAll('v')
      .select((eb) => [baseline(eb as Eb, '1h').as('at_1h'), baseline(eb as Eb, '24h').as('at_24h'), baseline(eb as Eb, '7d').as('at_7d')]);
    if (id !== undefined) b = b.where('v.video_id', '=', id);
    const value = (m: Metric, w: Window) =>
      sql<number | null>`(select ${sql.ref(`s.${m}`)} from snapshots s where s.video_id = b.video_id and s.fetched_at = ${sql.ref(`b.at_${w}`)})`.as(`${m}_${w}`);
    const withValues = this.read
      .selectFrom(b.as('b'))
      .selectAll('b')
      .select([
        value('views', '1h'), value('likes', '1h'), value('comments', '1h'),
        value('views', '24h'), value('likes', '24h'), value('comments', '24h'),
        value('views', '7d'), value('likes', '7d'), value('comments', '7d'),
      ]);
    return this.read.selectFrom(withValues.as('t')).selectAll('t');
  }
}

type SummaryRow = HistorySchema['videos'] & Record<`at_${Window}`, number | null> & Record<`${Metric}_${Window}`, number | null>;

function sortExpression(key: SortKey) {
  if (key === 'title') return sql.ref('t.title');
  if (key === 'published') return sql.ref('t.published_at');
  if (key === 'fetched') return sql.ref('t.last_fetched');
  const [metric, window] = key.split('_') as [Metric, Window | undefined];
  if (window === undefined) return sql.ref(`t.${metric}`);
  return sql`${sql.ref(`t.${metric}`)} - ${sql.ref(`t.${metric}_${window}`)}`;
}

function num(v: number | string | bigint | null): number | null {
  return v === null ? null : Number(v);
}

function toSummary(r: SummaryRow): VideoSummary {
  const stats: Stats = { views: num(r.views), likes: num(r.likes), comments: num(r.comments) };
  const deltas = {} as Record<Window, Delta>;
  for (const w of Object.keys(WINDOWS) as Window[]) {
    const d: Delta = { since: num(r[`at_${w}`]), views: null, likes: null, comments: null };
    for (const m of METRIC_COLS) {
      const base = num(r[`${m}_${w}`]);
      d[m] = stats[m] !== null && base !== null ? stats[m]! - base : null;
    }
    deltas[w] = d;
  }
  return {
    id: r.video_id,
    title: r.title,
    channelId: r.channel_id,
    channelTitle: r.channel_title,
    publishedAt: r.published_at,
    available: Number(r.available) === 1,
    firstFetchedAt: Number(r.first_fetched),
    fetchedAt: Number(r.last_fetched),
    stats,
    deltas,
  };
}
