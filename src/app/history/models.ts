/**
 * What the history store returns, as zod: the one definition of each shape. The TypeScript types
 * and the API's JSON Schemas (`api/schemas.ts`, hence the OpenAPI document) are derived from these.
 */
import { z } from 'zod';
import { Alert, VideoChange } from '../core/events.js';

const count = z.number().int().nullable();
export const epochMs = z.number().int().describe('Epoch milliseconds');

/** The delta windows of `GET /videos`, in milliseconds. */
export const WINDOWS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 } as const;
export type Window = keyof typeof WINDOWS;

export const Stats = z.object({ views: count, likes: count, comments: count });
export type Stats = z.infer<typeof Stats>;

/** Movement over a window: current minus the baseline snapshot taken at `since`. */
export const Delta = Stats.extend({
  /**
   * When the baseline was taken: the newest snapshot at or before the window's start, or the oldest
   * one kept when history does not reach that far back (then the delta covers less than the window).
   */
  since: z.number().int().nullable().describe('Epoch ms of the baseline snapshot'),
}).describe('Current value minus the baseline snapshot taken at `since` (the newest at or before the window start, else the oldest kept).');
export type Delta = z.infer<typeof Delta>;

/** A watched video with its latest numbers (key order is the API's reply order). */
export const VideoSummary = z.object({
  id: z.string(),
  title: z.string(),
  available: z.boolean().describe('False once YouTube stopped returning the video'),
  fetchedAt: epochMs.describe('Epoch ms of the latest snapshot'),
  stats: Stats,
  deltas: z.object({ '1h': Delta, '24h': Delta, '7d': Delta }),
  channelId: z.string().nullable(),
  channelTitle: z.string().nullable(),
  publishedAt: z.string().nullable(),
  firstFetchedAt: epochMs,
});
export type VideoSummary = z.infer<typeof VideoSummary>;

export const HistoryPoint = z.object({
  /** When the snapshot was fetched (epoch ms); with a step, the last snapshot of its bucket. */
  t: epochMs,
  ...Stats.shape,
});
export type HistoryPoint = z.infer<typeof HistoryPoint>;

/** What became of an alert at one sink: the latest outcome (a replay that succeeds replaces a failure). */
export const AlertDelivery = z.object({
  sink: z.string(),
  outcome: z.enum(['delivered', 'failed']),
  reason: z.string().optional(),
  at: epochMs,
});
export type AlertDelivery = z.infer<typeof AlertDelivery>;

const feedBase = { id: z.string(), videoId: z.string(), title: z.string(), at: epochMs };
/** A change or an alert as the feed (`GET /changes`, `GET /events`) shows it; the records without their version field. */
export const FeedEntry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('change'), ...feedBase, change: VideoChange.omit({ v: true }) }),
  z.object({
    kind: z.literal('alert'),
    ...feedBase,
    alert: Alert.omit({ v: true }),
    delivery: z.array(AlertDelivery).optional().describe('Alerts only: the latest outcome at each sink (absent until notify handled it)'),
  }),
]);
export type FeedEntry = z.infer<typeof FeedEntry>;

/** What the history stage stored since this process started, for `/metrics`. */
export interface HistoryCounters {
  snapshots: number;
  changes: number;
  alerts: number;
  pruned: number;
}
