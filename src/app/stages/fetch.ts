import type { EventLog, ProduceRecord } from '../../engine/core/log.js';
import type { VideoSnapshot, VideoUnavailable } from '../core/events.js';
import { ConfigError } from '../../engine/core/errors.js';
import { retry } from '../../engine/core/retry.js';
import type { Names } from '../core/topics.js';
import { MAX_PAGE, type YouTubeClient } from '../youtube/client.js';
import { YouTubeApiError } from '../youtube/errors.js';
import { YOUTUBE_DEFAULTS } from '../youtube/config.js';
import type { FetchStore } from '../youtube/fetch-store.js';
import { targetLabel, type Target } from '../youtube/targets.js';

export interface FetchOptions {
  log: EventLog;
  names: Names;
  client: YouTubeClient;
  store: FetchStore;
  targets: Target[];
  clock?: () => number;
  /** Attempts per API call for retriable failures. Default `youtube.attempts` (5). */
  attempts?: number;
  baseDelayMs?: number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

export interface PollResult {
  pollId: string;
  videos: number;
  snapshots: number;
  unavailable: number;
  units: number;
}

/**
 * The fetch stage: one poll reads every watched video's statistics at 50 ids per `videos.list` call
 * and 50 items per `playlistItems.list` page, and appends one record per video to `youtube_videos`
 * in a single append (all or nothing on SQLite; on Kafka an idempotent producer, where a failed
 * poll may be partly appended and is polled again — a repeated snapshot changes nothing). Cost: Σ⌈playlist items/50⌉ + ⌈videos/50⌉ units.
 */
export class FetchStage {
  private readonly clock: () => number;
  constructor(private readonly options: FetchOptions) {
    this.clock = options.clock ?? Date.now;
  }

  async poll(signal?: AbortSignal): Promise<PollResult> {
    const { client, store, names, log } = this.options;
    const started = this.clock();
    const unitsBefore = store.unitsOn(started);
    const explicit = new Set<string>();
    const ids: string[] = [];
    const seen = new Set<string>();
    const add = (id: string) => {
      if (!seen.has(id)) {
        seen.add(id);
        ids.push(id);
      }
    };
    for (const target of this.options.targets) {
      if (target.kind === 'video') {
        explicit.add(target.id);
        add(target.id);
        continue;
      }
      const playlist = target.kind === 'playlist' ? target.id : await this.uploadsOf(target, signal);
      const items = await this.call(() => client.playlistVideoIds(playlist, signal), target, signal);
      for (const id of items) add(id);
    }
    const pollId = `${started}`;
    const records: ProduceRecord[] = [];
    const returned: string[] = [];
    let unavailable = 0;
    for (let i = 0; i < ids.length; i += MAX_PAGE) {
      const batch = ids.slice(i, i + MAX_PAGE);
      const stats = await this.call(() => client.videos(batch, signal), undefined, signal);
      const got = new Map(stats.map((s) => [s.videoId, s]));
      for (const id of batch) {
        const s = got.get(id);
        if (s) {
          returned.push(id);
          const snap: VideoSnapshot = { v: 1, type: 'snapshot', ...s, fetchedAt: this.clock(), pollId };
          records.push(names.of('videos').record(snap));
        } else if (store.isKnown(id)) {
          unavailable++;
          const gone: VideoUnavailable = { v: 1, type: 'unavailable', videoId: id, fetchedAt: this.clock(), pollId };
          records.push(names.of('videos').record(gone));
        } else if (explicit.has(id)) {
          throw new ConfigError(`unknown video ${id}: YouTube returned nothing for it`, 'check the id; private and deleted videos cannot be watched');
        }
      }
    }
    await log.produce(records);
    store.addKnown(returned);
    return { pollId, videos: ids.length, snapshots: returned.length, unavailable, units: store.unitsOn(started) - unitsBefore };
  }

  private async uploadsOf(target: Extract<Target, { kind: 'channel' }>, signal?: AbortSignal): Promise<string> {
    const key = target.id ?? target.handle!;
    const cached = this.options.store.uploads(key);
    if (cached) return cached;
    const uploads = await this.call(() => this.options.client.uploadsPlaylist(target, signal), target, signal);
    if (!uploads) throw new ConfigError(`unknown ${targetLabel(target)}: YouTube has no such channel`, 'check the channel id (UC…) or @handle');
    this.options.store.setUploads(key, uploads);
    return uploads;
  }

  private call<T>(fn: () => Promise<T>, target: Target | undefined, signal?: AbortSignal): Promise<T> {
    return retry(fn, {
      attempts: this.options.attempts ?? YOUTUBE_DEFAULTS.attempts,
      baseDelayMs: this.options.baseDelayMs ?? YOUTUBE_DEFAULTS.baseDelayMs,
      signal,
      onRetry: this.options.onRetry,
    }).catch((err: unknown) => {
      if (err instanceof YouTubeApiError && err.status === 404 && target) {
        throw new ConfigError(`unknown ${targetLabel(target)}: ${err.reason}`, 'check the id or URL, and that the playlist is public or unlisted');
      }
      throw err;
    });
  }
}

/** Units one poll costs: a page per 50 playlist items (at least one) and a call per 50 videos. */
export function unitsPerPoll(playlistSizes: number[], totalVideos: number): number {
  return playlistSizes.reduce((sum, n) => sum + Math.max(1, Math.ceil(n / MAX_PAGE)), 0) + Math.ceil(totalVideos / MAX_PAGE);
}

/** The shortest interval (seconds) at which polls costing `units` fit `dailyBudget`, at least 10 s. */
export function autoInterval(units: number, dailyBudget: number): number {
  return Math.max(10, Math.ceil((86_400 * units) / dailyBudget));
}
