/**
 * Hand-written fast paths for the hottest schema, `youtube_videos`' `VideoEvent` (detect parses every
 * snapshot). Each accepts only what the zod schema accepts and returns what zod would return (a new
 * object, the schema's keys in its order); anything else — an extra key, a wrong type — returns
 * `undefined` and the zod schema decides, with its readable reason. test/topics.test.ts checks the
 * two agree.
 */
import type { VideoEvent, VideoSnapshot, VideoUnavailable } from './events.js';

/** A snapshot's keys in the schema's order (as ytwatch writes them). */
const SNAPSHOT_ORDER = ['v', 'type', 'videoId', 'title', 'channelId', 'channelTitle', 'publishedAt', 'views', 'likes', 'comments', 'fetchedAt', 'pollId'];
const SNAPSHOT_KEYS = SNAPSHOT_ORDER.length;
const UNAVAILABLE_KEYS = 5;

const isCount = (x: unknown): x is number | null => x === null || (typeof x === 'number' && Number.isInteger(x) && x >= 0);
const isStringOrNull = (x: unknown): x is string | null => x === null || typeof x === 'string';

/** `VideoEvent` when `x` certainly is one; `undefined` means "ask the schema". */
export function fastVideoEvent(x: unknown): VideoEvent | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
  const o = x as Record<string, unknown>;
  if (o.v !== 1 || typeof o.videoId !== 'string' || o.videoId.length === 0) return undefined;
  if (typeof o.fetchedAt !== 'number' || !Number.isInteger(o.fetchedAt) || typeof o.pollId !== 'string') return undefined;
  let keys = 0;
  let ordered = true;
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    ordered &&= k === SNAPSHOT_ORDER[keys];
    keys++;
  }
  // The optional routing fields (subscriptions): checked here, counted as expected keys.
  let route: { targets?: string[]; operator?: true } | undefined;
  if (o.targets !== undefined) {
    if (!Array.isArray(o.targets) || !o.targets.every((t) => typeof t === 'string')) return undefined;
    route = { targets: [...(o.targets as string[])] };
    keys--;
  }
  if (o.operator !== undefined) {
    if (o.operator !== true) return undefined;
    (route ??= {}).operator = true;
    keys--;
  }
  if (o.type === 'snapshot') {
    if (keys !== SNAPSHOT_KEYS || typeof o.title !== 'string') return undefined;
    if (!isStringOrNull(o.channelId) || !isStringOrNull(o.channelTitle) || !isStringOrNull(o.publishedAt)) return undefined;
    if (!isCount(o.views) || !isCount(o.likes) || !isCount(o.comments)) return undefined;
    // Exactly the schema's keys in its order: the decoded object is what zod would return, and
    // nothing else holds it, so it is returned as it is instead of copied.
    if (ordered && !route) return o as unknown as VideoSnapshot;
    const s: VideoSnapshot = {
      v: 1,
      type: 'snapshot',
      videoId: o.videoId,
      title: o.title,
      channelId: o.channelId,
      channelTitle: o.channelTitle,
      publishedAt: o.publishedAt,
      views: o.views,
      likes: o.likes,
      comments: o.comments,
      fetchedAt: o.fetchedAt,
      pollId: o.pollId,
    };
    return route ? Object.assign(s, route) : s;
  }
  if (o.type === 'unavailable' && keys === UNAVAILABLE_KEYS) {
    const u: VideoUnavailable = { v: 1, type: 'unavailable', videoId: o.videoId, fetchedAt: o.fetchedAt, pollId: o.pollId };
    return route ? Object.assign(u, route) : u;
  }
  return undefined;
}
