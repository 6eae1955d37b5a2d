import type { EventLog, ProduceRecord } from '../../engine/core/log.js';
import type { Discovery, VideoSnapshot, VideoUnavailable } from '../core/events.js';
import { ConfigError } from '../../engine/core/errors.js';
import { retry } from '../../engine/core/retry.js';
import type { Names } from '../core/topics.js';
import { MAX_PAGE, type YouTubeClient } from '../youtube/client.js';
import { YouTubeApiError } from '../youtube/errors.js';
import { YOUTUBE_DEFAULTS } from '../youtube/config.js';
import type { FetchStore } from '../youtube/fetch-store.js';
import { targetKey, targetLabel, type Target } from '../youtube/targets.js';
import { MembershipResolver, type MemberSource, type MembershipOptions } from './membership.js';

export interface FetchOptions {
  log: EventLog;
  names: Names;
  client: YouTubeClient;
  store: FetchStore;
  /** What to poll: a fixed list, or read before each poll (the subscription book's union). */
  targets: Target[] | (() => Promise<Target[]>);
  /**
   * With subscriptions: the operator's target keys (flags, config `watch`). Each record then names
   * the targets holding its video and whether the operator watches it, so detect can route alerts.
   */
  operatorTargets?: () => Set<string>;
  clock?: () => number;
  /** Attempts per API call for retriable failures. Default `youtube.attempts` (5). */
  attempts?: number;
  baseDelayMs?: number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /**
   * Membership from feeds (see {@link MembershipResolver}). Without it every poll lists each
   * playlist in full and no video is ever "new".
   */
  membership?: Omit<MembershipOptions, 'client' | 'clock'>;
}

export interface PollResult {
  pollId: string;
  videos: number;
  snapshots: number;
  unavailable: number;
  /** Videos that joined a watched channel or playlist since its previous poll (🆕 alerts). */
  newVideos: number;
  units: number;
  /** Units spent learning membership (`channels.list`, `playlistItems.list`). */
  membershipUnits: number;
  /** Units spent on `videos.list`. */
  statisticsUnits: number;
  /** What a poll costs between full listings: statistics plus one unit per playlist (not channel). */
  steadyUnits: number;
  /** Full re-listings a day cost, spread over the day (`--interval auto` sets them aside). */
  listingUnitsPerDay: number;
}

/**
 * The fetch stage: one poll learns each playlist's and channel's members (a full `playlistItems`
 * listing, or with `membership` its feed — see {@link MembershipResolver}), reads every watched
 * video's statistics at 50 ids per `videos.list` call, and appends one record per video to
 * `youtube_videos` in a single append (all or nothing on SQLite; on Kafka an idempotent producer,
 * where a failed poll may be partly appended and is polled again — a repeated snapshot changes
 * nothing). The membership is recorded only after that append. Cost: ⌈videos/50⌉ units, plus one
 * per playlist between full listings, or Σ⌈playlist items/50⌉ more for a full listing.
 */
export class FetchStage {
  private readonly clock: () => number;
  private readonly resolver?: MembershipResolver;
  /** Videos per target key, from the latest poll. */
  private sizes = new Map<string, number>();
  /** Watched channel id → membership key and target key, from the latest poll. */
  private channels = new Map<string, { key: string; target: string }>();

  constructor(private readonly options: FetchOptions) {
    this.clock = options.clock ?? Date.now;
    if (options.membership) {
      this.resolver = new MembershipResolver({
        ...options.membership,
        client: options.client,
        clock: this.clock,
      });
    }
  }

  async poll(signal?: AbortSignal): Promise<PollResult> {
    const { client, store, names, log } = this.options;
    const started = this.clock();
    const unitsBefore = store.unitsOn(started);
    const explicit = new Set<string>();
    const ids: string[] = [];
    const seen = new Set<string>();
    const discovered = new Map<string, Discovery>();
    const commits: Array<() => void> = [];
    const sources: MemberSource[] = [];
    const sourceTargets: Target[] = [];
    let listingUnits = 0;
    const memberOf = new Map<string, string[]>();
    const add = (id: string, key: string) => {
      const keys = memberOf.get(id);
      if (keys) {
        if (!keys.includes(key)) keys.push(key);
      } else memberOf.set(id, [key]);
      if (!seen.has(id)) {
        seen.add(id);
        ids.push(id);
      }
    };
    const targets = typeof this.options.targets === 'function' ? await this.options.targets() : this.options.targets;
    for (const target of targets) {
      if (target.kind === 'video') {
        explicit.add(target.id);
        add(target.id, targetKey(target));
        continue;
      }
      const source = await this.sourceOf(target, signal);
      sources.push(source);
      sourceTargets.push(target);
      const call = <T>(fn: () => Promise<T>) => this.call(fn, target, signal);
      const members = this.resolver
        ? await this.resolver.resolve(source, call, signal)
        : { ids: await call(() => client.playlistVideoIds(source.playlistId, signal)), added: [], how: 'listing' as const, commit: () => {} };
      for (const id of members.ids) add(id, targetKey(target));
      for (const id of members.added) discovered.set(id, members.how);
      commits.push(members.commit);
      listingUnits += Math.max(1, Math.ceil(members.ids.length / MAX_PAGE));
    }
    this.channels = new Map(sources.flatMap((s, i) => (s.channelId ? [[s.channelId, { key: s.key, target: targetKey(sourceTargets[i]!) }] as const] : [])));
    const sizes = new Map<string, number>();
    for (const keys of memberOf.values()) for (const k of keys) sizes.set(k, (sizes.get(k) ?? 0) + 1);
    this.sizes = sizes;
    const membershipUnits = store.unitsOn(started) - unitsBefore;
    const pollId = `${started}`;
    const { records, returned, unavailable } = await this.snapshots(ids, pollId, discovered, explicit, signal, memberOf);
    await log.produce(records);
    store.addKnown(returned);
    for (const commit of commits) commit();
    const units = store.unitsOn(started) - unitsBefore;
    const statisticsUnits = Math.ceil(ids.length / MAX_PAGE);
    const everyMs = this.options.membership?.fullListingEveryMs ?? YOUTUBE_DEFAULTS.fullListingEveryMs;
    return {
      pollId,
      videos: ids.length,
      snapshots: returned.length,
      unavailable,
      newVideos: [...discovered.keys()].filter((id) => returned.includes(id)).length,
      units,
      membershipUnits,
      statisticsUnits: units - membershipUnits,
      steadyUnits: this.resolver ? statisticsUnits + MembershipResolver.unitsPerPoll(sources) : statisticsUnits + listingUnits,
      listingUnitsPerDay: this.resolver ? Math.ceil((listingUnits * 86_400_000) / everyMs) : 0,
    };
  }

  /**
   * A WebSub notification for `channelId` named these videos: reads their statistics at once (one
   * unit per 50) and appends them; those the channel did not hold yet are marked `push` (🆕). A
   * channel that is not watched, or not listed yet, is ignored.
   */
  async pushed(channelId: string, videoIds: string[], signal?: AbortSignal): Promise<{ snapshots: number; newVideos: number }> {
    const channel = this.channels.get(channelId);
    const key = channel?.key;
    const store = this.options.membership?.store;
    const prev = key && store ? store.get(key) : undefined;
    if (!key || !store || !prev || videoIds.length === 0) return { snapshots: 0, newVideos: 0 };
    const known = new Set(prev.ids);
    const ids = [...new Set(videoIds)].slice(0, MAX_PAGE);
    const discovered = new Map(ids.filter((id) => !known.has(id)).map((id) => [id, 'push' as const]));
    const { records, returned } = await this.snapshots(ids, `push-${this.clock()}`, discovered, new Set(), signal, new Map(ids.map((id) => [id, [channel!.target]])));
    const snapshots = records.filter((r) => returned.includes(r.key!));
    await this.options.log.produce(snapshots);
    this.options.store.addKnown(returned);
    store.add(key, returned);
    return { snapshots: snapshots.length, newVideos: returned.filter((id) => discovered.has(id)).length };
  }

  /** Videos per watched target (canonical key) as of the latest poll. */
  targetSizes(): ReadonlyMap<string, number> {
    return this.sizes;
  }

  /** Channel ids of the watched channels, known once each was resolved by a poll. */
  watchedChannels(): string[] {
    return [...this.channels.keys()];
  }

  private async snapshots(ids: string[], pollId: string, discovered: Map<string, Discovery>, explicit: Set<string>, signal: AbortSignal | undefined, memberOf: Map<string, string[]>) {
    const { client, store, names } = this.options;
    const operator = this.options.operatorTargets?.();
    const routing = (id: string) => {
      if (!operator) return {};
      const targets = memberOf.get(id) ?? [];
      return { targets, ...(targets.some((t) => operator.has(t)) ? { operator: true as const } : {}) };
    };
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
          const how = discovered.get(id);
          const snap: VideoSnapshot = { v: 1, type: 'snapshot', ...s, fetchedAt: this.clock(), pollId, ...(how ? { discoveredBy: how } : {}), ...routing(id) };
          records.push(names.of('videos').record(snap));
        } else if (store.isKnown(id)) {
          unavailable++;
          const gone: VideoUnavailable = { v: 1, type: 'unavailable', videoId: id, fetchedAt: this.clock(), pollId, ...routing(id) };
          records.push(names.of('videos').record(gone));
        } else if (explicit.has(id)) {
          throw new ConfigError(`unknown video ${id}: YouTube returned nothing for it`, 'check the id; private and deleted videos cannot be watched');
        }
      }
    }
    return { records, returned, unavailable };
  }

  private async sourceOf(target: Exclude<Target, { kind: 'video' }>, signal?: AbortSignal): Promise<MemberSource> {
    if (target.kind === 'playlist') return { key: `playlist:${target.id}`, playlistId: target.id };
    const playlistId = await this.uploadsOf(target, signal);
    // A channel UC… has the uploads playlist UU… (same suffix), and the reverse.
    const channelId = target.id ?? (playlistId.startsWith('UU') ? `UC${playlistId.slice(2)}` : undefined);
    return channelId ? { key: `channel:${channelId}`, playlistId, channelId } : { key: `playlist:${playlistId}`, playlistId };
  }

  private async uploadsOf(target: Extract<Target, { kind: 'channel' }>, signal?: AbortSignal): Promise<string> {
    const key = target.id ?? target.handle!;
    const cached = this.options.store.uploads(key);
    if (cached) return cached;
    // YouTube names a channel's uploads playlist after it (UC… → UU…): no `channels.list` unit.
    if (target.id) return `UU${target.id.slice(2)}`;
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
