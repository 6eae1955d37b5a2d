/** The YouTube client's config slice: its environment variables and the config file's `youtube` key, defaults included. */
import { z } from 'zod';
import { DURATION_WITH_UNIT, durationMs } from '../../engine/core/duration.js';
import { Count, optionalString } from '../core/settings.js';

const Duration = z.union([z.number().positive(), z.string().regex(new RegExp(DURATION_WITH_UNIT), 'a duration like "30s", "5m", "1h"')]);

export const YouTubeEnv = {
  YOUTUBE_API_KEY: optionalString.describe('YouTube Data API v3 key. Required by `run`, `fetch` and `doctor` (not by `demo`).'),
  YOUTUBE_API_ROOT: z.string().url().default('https://youtube.googleapis.com').describe('YouTube API root; requests go to `ROOT/youtube/v3/…`. Tests point it at a local fake.'),
  YOUTUBE_FEEDS_ROOT: z.string().url().default('https://www.youtube.com').describe('Root of YouTube\'s public Atom feeds (`ROOT/feeds/videos.xml?channel_id=…` or `?playlist_id=…`), read at no quota to keep membership current. Tests point it at a local fake.'),
  WEBSUB_CALLBACK_URL: optionalString.pipe(z.string().url().optional()).describe('Opt-in WebSub push: the public URL, reachable from the internet, at which the hub reaches ytwatch\'s `/websub` route (e.g. `https://example.org/websub`; ytwatch appends `/<channel id>`). Needs `run --port`. New uploads then alert within seconds.'),
  WEBSUB_HUB_URL: z.string().url().default('https://pubsubhubbub.appspot.com/subscribe').describe('WebSub hub that ytwatch subscribes the watched channels at (used only with `WEBSUB_CALLBACK_URL`).'),
};

export const YouTubeConfig = z
  .object({
    attempts: Count.default(5).describe('Attempts per YouTube call for retriable failures (5xx, timeouts, network).'),
    baseDelayMs: z.number().int().nonnegative().default(1000).describe('First back-off delay between attempts; doubles each time, with jitter.'),
    timeoutMs: Count.default(15_000).describe('Timeout of one YouTube request.'),
    fullListingEvery: Duration.default('24h').describe('Time between full `playlistItems` listings of a watched playlist or channel; in between, its public feed keeps membership current at no quota. Seconds, or "30m", "6h", "24h".'),
  })
  .strict();
export type YouTubeConfig = z.infer<typeof YouTubeConfig>;

/** The config file's `websub` key (push of new uploads, with `WEBSUB_CALLBACK_URL`). */
export const WebSubConfig = z
  .object({
    leaseSeconds: Count.default(432_000).describe('Lease asked of the WebSub hub per subscription; ytwatch renews each one when 80% of it has passed. Default 5 days.'),
  })
  .strict();

/** The defaults, for callers that leave an option out. */
const DEFAULT_CONFIG = YouTubeConfig.parse({});
const DEFAULT_ENV = z.object(YouTubeEnv).parse({});
export const YOUTUBE_DEFAULTS = {
  ...DEFAULT_CONFIG,
  apiRoot: DEFAULT_ENV.YOUTUBE_API_ROOT,
  feedsRoot: DEFAULT_ENV.YOUTUBE_FEEDS_ROOT,
  fullListingEveryMs: durationMs(String(DEFAULT_CONFIG.fullListingEvery))!,
};
