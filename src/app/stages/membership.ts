import type { Discovery } from '../core/events.js';
import type { YouTubeClient } from '../youtube/client.js';
import { FEED_SIZE, type FeedClient } from '../youtube/feeds.js';
import type { MembershipStore } from '../youtube/membership-store.js';
import { YOUTUBE_DEFAULTS } from '../youtube/config.js';

/** A playlist or channel as the poller reads it. */
export interface MemberSource {
  /** Key in the membership store: `channel:UC…` or `playlist:PL…`. */
  key: string;
  /** The playlist listed by `playlistItems` (a channel's uploads playlist). */
  playlistId: string;
  /** Set for channels: their feed lists the newest uploads, so it explains every upload. */
  channelId?: string;
}

export interface Members {
  ids: string[];
  /** Ids that joined since the previous poll (none on a target's first listing: the baseline). */
  added: string[];
  how: Discovery;
  /** Records the membership; call only after the poll's snapshots are appended. */
  commit: () => void;
}

export interface MembershipOptions {
  client: YouTubeClient;
  store: MembershipStore;
  /** Without a feed client every poll lists in full (the pre-feed behaviour). */
  feeds?: FeedClient;
  /** Time between full listings of one target. Default one day. */
  fullListingEveryMs?: number;
  clock?: () => number;
  /** A feed could not be read; this poll lists in full instead. */
  onFeedError?: (source: MemberSource, err: unknown) => void;
}

/**
 * Membership of playlists and channels at almost no quota. A target's first poll lists it in full
 * (`playlistItems`, ⌈N/50⌉ units); later polls read its Atom feed (0 units) and add the entries not
 * seen before. Channels cost nothing more: their feed lists the newest 15 uploads, so an upload
 * cannot hide, and a deleted video shows up in `videos.list` as unavailable. Playlists pay one
 * unit more: their feed lists the *first* 15 items, while items are usually appended at the end, so
 * one `playlistItems` page (`pageInfo.totalResults`) checks the size. A full listing happens again
 * when the size does not match what the feed explains, when all 15 feed entries are new (more may
 * hide behind them), when the feed cannot be read, and every `fullListingEveryMs` (default daily).
 */
export class MembershipResolver {
  private readonly clock: () => number;
  private readonly everyMs: number;

  constructor(private readonly options: MembershipOptions) {
    this.clock = options.clock ?? Date.now;
    this.everyMs = options.fullListingEveryMs ?? YOUTUBE_DEFAULTS.fullListingEveryMs;
  }

  /** `call` wraps each API call (retries, error mapping). */
  async resolve(source: MemberSource, call: <T>(fn: () => Promise<T>) => Promise<T>, signal?: AbortSignal): Promise<Members> {
    const { store, feeds, client } = this.options;
    const prev = store.get(source.key);
    const now = this.clock();
    const listing = async (): Promise<Members> => {
      const ids = await call(() => client.playlistVideoIds(source.playlistId, signal));
      const known = new Set(prev?.ids ?? []);
      const added = prev ? ids.filter((id) => !known.has(id)) : [];
      return { ids, added, how: 'listing', commit: () => store.put(source.key, { ids, listedAt: now }) };
    };
    if (!prev || !feeds || now - prev.listedAt >= this.everyMs) return listing();
    let entries: string[];
    try {
      const ref = source.channelId ? { channelId: source.channelId } : { playlistId: source.playlistId };
      entries = [...new Set((await feeds.read(ref, signal)).entries.map((e) => e.videoId))];
    } catch (err) {
      if (signal?.aborted) throw err;
      this.options.onFeedError?.(source, err);
      return listing();
    }
    const known = new Set(prev.ids);
    const added = entries.filter((id) => !known.has(id));
    if (added.length >= FEED_SIZE) return listing();
    if (!source.channelId) {
      const size = await call(() => client.playlistSize(source.playlistId, signal));
      if (size !== prev.ids.length + added.length) return listing();
    }
    const ids = [...added, ...prev.ids];
    return { ids, added, how: 'feed', commit: () => added.length > 0 && store.put(source.key, { ids, listedAt: prev.listedAt }) };
  }

  /** Units the membership of these targets costs per poll between full listings. */
  static unitsPerPoll(sources: MemberSource[]): number {
    return sources.filter((s) => !s.channelId).length;
  }
}
