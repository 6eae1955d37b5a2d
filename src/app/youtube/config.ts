/** The YouTube client's config slice: its environment variables and the config file's `youtube` key, defaults included. */
import { z } from 'zod';
import { Count, optionalString } from '../core/settings.js';

export const YouTubeEnv = {
  YOUTUBE_API_KEY: optionalString.describe('YouTube Data API v3 key. Required by `run`, `fetch` and `doctor` (not by `demo`).'),
  YOUTUBE_API_ROOT: z.string().url().default('https://youtube.googleapis.com').describe('YouTube API root; requests go to `ROOT/youtube/v3/…`. Tests point it at a local fake.'),
};

export const YouTubeConfig = z
  .object({
    attempts: Count.default(5).describe('Attempts per YouTube call for retriable failures (5xx, timeouts, network).'),
    baseDelayMs: z.number().int().nonnegative().default(1000).describe('First back-off delay between attempts; doubles each time, with jitter.'),
    timeoutMs: Count.default(15_000).describe('Timeout of one YouTube request.'),
  })
  .strict();
export type YouTubeConfig = z.infer<typeof YouTubeConfig>;

/** The defaults, for callers that leave an option out. */
export const YOUTUBE_DEFAULTS = { ...YouTubeConfig.parse({}), apiRoot: z.object(YouTubeEnv).parse({}).YOUTUBE_API_ROOT };
