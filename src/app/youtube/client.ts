import { redactSecret } from '../../engine/core/redact.js';
import { youtube, type youtube_v3 } from '@googleapis/youtube';
import { YouTubeApiError, YouTubeHttpError } from './errors.js';
import { YOUTUBE_DEFAULTS } from './config.js';
import type { VideoSnapshot } from '../core/events.js';
import { nextPacificMidnight } from '../../engine/core/time.js';
import { z } from 'zod';

/*
 * The parts of YouTube's answers ytwatch reads, checked before use: an answer of another shape is a
 * retriable {@link YouTubeHttpError} (like a truncated body), never a TypeError deeper in.
 */
const optStr = z.string().nullish();
const count = z.union([z.string(), z.number()]).nullish();
const VideosPage = z.object({
  items: z.array(z.object({
    id: optStr,
    snippet: z.object({ title: optStr, channelId: optStr, channelTitle: optStr, publishedAt: optStr }).nullish(),
    statistics: z.object({ viewCount: count, likeCount: count, commentCount: count }).nullish(),
  })).nullish(),
});
type VideoItem = NonNullable<z.infer<typeof VideosPage>['items']>[number];
const PlaylistPage = z.object({
  items: z.array(z.object({ contentDetails: z.object({ videoId: optStr }).nullish() })).nullish(),
  nextPageToken: optStr,
});
const PlaylistSizePage = z.object({
  pageInfo: z.object({ totalResults: z.number().int().nonnegative().nullish() }).nullish(),
  items: z.array(z.unknown()).nullish(),
});
const ChannelsPage = z.object({
  items: z.array(z.object({ contentDetails: z.object({ relatedPlaylists: z.object({ uploads: optStr }).nullish() }).nullish() })).nullish(),
});

/** Most pages read from one playlist (YouTube playlists hold at most 20,000 videos: 400 pages). */
export const MAX_PLAYLIST_PAGES = 1000;

/** The statistics of one video as the API reported them (a snapshot's data fields). `null` means hidden, never 0. */
export type VideoStats = Omit<VideoSnapshot, 'v' | 'type' | 'fetchedAt' | 'pollId'>;

export interface YouTubeClientOptions {
  apiKey: string;
  /** Default `https://youtube.googleapis.com`; requests go to `ROOT/youtube/v3/…`. */
  apiRoot?: string;
  /** Per-request timeout. Default 15 s. */
  timeoutMs?: number;
  /** Called once per request sent, errors included: every request costs at least one unit. */
  onUnits?: (units: number, method: string) => void;
  clock?: () => number;
}

/** Largest page and id batch the API accepts. */
export const MAX_PAGE = 50;

/**
 * YouTube Data API v3 through Google's client, with retries off (the caller classifies and retries)
 * and every failure mapped to {@link YouTubeApiError} or {@link YouTubeHttpError}. Never logs the key.
 */
export class YouTubeClient {
  private readonly api: youtube_v3.Youtube;
  private readonly apiKey: string;
  private readonly onUnits: (units: number, method: string) => void;
  private readonly clock: () => number;

  constructor(options: YouTubeClientOptions) {
    const root = (options.apiRoot ?? YOUTUBE_DEFAULTS.apiRoot).replace(/\/+$/, '') + '/';
    this.apiKey = options.apiKey;
    this.onUnits = options.onUnits ?? (() => {});
    this.clock = options.clock ?? Date.now;
    this.api = youtube({ version: 'v3', auth: options.apiKey, rootUrl: root, retry: false, timeout: options.timeoutMs ?? YOUTUBE_DEFAULTS.timeoutMs });
  }

  /** Every video id of a playlist, paging 50 at a time: ⌈items/50⌉ units. */
  async playlistVideoIds(playlistId: string, signal?: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    const seen = new Set<string>();
    let pageToken: string | undefined;
    do {
      if (pageToken !== undefined) {
        if (seen.has(pageToken) || seen.size >= MAX_PLAYLIST_PAGES) throw new YouTubeHttpError(`YouTube playlistItems.list for ${playlistId} did not stop paging (page token repeated, or over ${MAX_PLAYLIST_PAGES} pages)`);
        seen.add(pageToken);
      }
      const token = pageToken;
      const res = await this.call('playlistItems.list', PlaylistPage, () =>
        this.api.playlistItems.list({ part: ['contentDetails'], playlistId, maxResults: MAX_PAGE, pageToken: token }, { signal }),
      );
      for (const item of res.items ?? []) {
        const id = item.contentDetails?.videoId;
        if (id) ids.push(id);
      }
      pageToken = res.nextPageToken || undefined;
    } while (pageToken);
    return ids;
  }

  /** How many items a playlist holds (`pageInfo.totalResults` of a one-item page): 1 unit. */
  async playlistSize(playlistId: string, signal?: AbortSignal): Promise<number> {
    const res = await this.call('playlistItems.list', PlaylistSizePage, () =>
      this.api.playlistItems.list({ part: ['id'], playlistId, maxResults: 1 }, { signal }),
    );
    return res.pageInfo?.totalResults ?? res.items?.length ?? 0;
  }

  /** The uploads playlist of a channel (by id or handle), or `undefined` when there is no such channel. */
  async uploadsPlaylist(channel: { id?: string; handle?: string }, signal?: AbortSignal): Promise<string | undefined> {
    const res = await this.call('channels.list', ChannelsPage, () =>
      this.api.channels.list(
        channel.id ? { part: ['contentDetails'], id: [channel.id] } : { part: ['contentDetails'], forHandle: channel.handle },
        { signal },
      ),
    );
    return res.items?.[0]?.contentDetails?.relatedPlaylists?.uploads ?? undefined;
  }

  /** Statistics of up to 50 videos in one unit. Ids the API leaves out (deleted, private) are absent. */
  async videos(ids: string[], signal?: AbortSignal): Promise<VideoStats[]> {
    if (ids.length > MAX_PAGE) throw new RangeError(`videos() takes at most ${MAX_PAGE} ids`);
    if (ids.length === 0) return [];
    const res = await this.call('videos.list', VideosPage, () =>
      this.api.videos.list({ part: ['snippet', 'statistics'], id: ids, maxResults: MAX_PAGE }, { signal }),
    );
    return (res.items ?? []).flatMap((v) => (v.id ? [toStats({ ...v, id: v.id })] : []));
  }

  private async call<S extends z.ZodTypeAny>(method: string, schema: S, fn: () => Promise<{ data: unknown }>): Promise<z.infer<S>> {
    this.onUnits(1, method);
    let data: unknown;
    try {
      data = (await fn()).data;
    } catch (err) {
      throw this.classify(method, err);
    }
    if (typeof data !== 'object' || data === null) throw new YouTubeHttpError(`YouTube ${method} returned a body that is not JSON`);
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new YouTubeHttpError(`YouTube ${method} returned an unexpected body: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    return parsed.data;
  }

  private classify(method: string, err: unknown): Error {
    if (err instanceof YouTubeHttpError || err instanceof YouTubeApiError) return err;
    const e = err as { status?: number; response?: { status?: number; data?: unknown }; message?: string; name?: string; code?: string };
    const status = e.response?.status ?? e.status;
    const body = e.response?.data as { error?: { message?: string; status?: string; errors?: Array<{ reason?: string; domain?: string }> } } | undefined;
    const apiErr = typeof body === 'object' && body !== null ? body.error : undefined;
    if (!status || !apiErr) {
      const raw = e.message ?? String(err);
      const what = status ? `HTTP ${status} without a YouTube error body` : this.redact(/reason: (.*)$/s.exec(raw)?.[1] ?? raw);
      if (e.name === 'AbortError' && !/timeout/i.test(e.message ?? '')) return err as Error;
      return new YouTubeHttpError(`YouTube ${method} failed: ${what}`, {
        cause: err,
        hint: 'check the network and YOUTUBE_API_ROOT; ytwatch retries with back-off',
      });
    }
    const reason = apiErr.errors?.[0]?.reason ?? apiErr.status ?? 'unknown';
    const message = `YouTube ${method}: ${status} ${reason}: ${this.redact(apiErr.message ?? '')}`;
    if (reason === 'quotaExceeded' || reason === 'dailyLimitExceeded') {
      const reset = new Date(nextPacificMidnight(this.clock())).toISOString();
      return new YouTubeApiError(message, status, reason, {
        retriable: false,
        hint: `the daily quota is used up; it resets at midnight Pacific Time (${reset}); poll less often (--interval auto) or raise the quota`,
      });
    }
    if (reason === 'keyInvalid' || /API key not valid/i.test(apiErr.message ?? '') || (reason === 'forbidden' && status === 403) || apiErr.status === 'PERMISSION_DENIED') {
      return new YouTubeApiError(message, status, reason, {
        retriable: false,
        hint: 'set YOUTUBE_API_KEY to a valid YouTube Data API v3 key (console.cloud.google.com → Credentials)',
      });
    }
    const retriable = status >= 500 || status === 429;
    return new YouTubeApiError(message, status, reason, { retriable });
  }

  /** The key never leaves in a message: raw or URL-encoded (see {@link redactSecret}). */
  private redact(text: string): string {
    return redactSecret(text, this.apiKey);
  }
}

function toCount(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function toStats(v: VideoItem & { id: string }): VideoStats {
  return {
    videoId: v.id,
    title: v.snippet?.title ?? v.id,
    channelId: v.snippet?.channelId ?? null,
    channelTitle: v.snippet?.channelTitle ?? null,
    publishedAt: v.snippet?.publishedAt ?? null,
    views: toCount(v.statistics?.viewCount),
    likes: toCount(v.statistics?.likeCount),
    comments: toCount(v.statistics?.commentCount),
  };
}
