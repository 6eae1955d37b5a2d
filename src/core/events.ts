/**
 * Record values on ytwatch's topics: JSON, versioned by `v`. Parsing is strict; a value that fails
 * is a poison record and goes to the dead-letter topic.
 */
import { z } from 'zod';

const count = z.number().int().nonnegative().nullable();

/** `youtube_videos`, keyed by video id: one poll's view of one video. */
export const VideoSnapshot = z.object({
  v: z.literal(1),
  type: z.literal('snapshot'),
  videoId: z.string().min(1),
  title: z.string(),
  channelId: z.string().nullable(),
  channelTitle: z.string().nullable(),
  publishedAt: z.string().nullable(),
  /** `null` when YouTube did not report the count (likes hidden, comments off). */
  views: count,
  likes: count,
  comments: count,
  fetchedAt: z.number().int(),
  pollId: z.string(),
});
export type VideoSnapshot = z.infer<typeof VideoSnapshot>;

/** `youtube_videos`, keyed by video id: a watched video YouTube no longer returns (deleted, private). */
export const VideoUnavailable = z.object({
  v: z.literal(1),
  type: z.literal('unavailable'),
  videoId: z.string().min(1),
  fetchedAt: z.number().int(),
  pollId: z.string(),
});
export type VideoUnavailable = z.infer<typeof VideoUnavailable>;

export const VideoEvent = z.discriminatedUnion('type', [VideoSnapshot, VideoUnavailable]);
export type VideoEvent = z.infer<typeof VideoEvent>;

export const METRICS = ['views', 'likes', 'comments'] as const;
export type Metric = (typeof METRICS)[number];

/** `youtube_changes`, keyed by video id: the seeds' `LATEST_BY_OFFSET(x, 2)` table, one row per change. */
export const VideoChange = z.object({
  v: z.literal(1),
  videoId: z.string(),
  title: z.string(),
  at: z.number().int(),
  views_previous: count,
  views_current: count,
  likes_previous: count,
  likes_current: count,
  comments_previous: count,
  comments_current: count,
  /** True when the video stopped being returned by YouTube. */
  unavailable: z.boolean(),
});
export type VideoChange = z.infer<typeof VideoChange>;

/** `telegram_outbox`, keyed by video id: one alert a rule raised, for every configured sink. */
export const Alert = z.object({
  v: z.literal(1),
  /** Deterministic: the same input record always yields the same id (idempotency key). */
  id: z.string(),
  videoId: z.string(),
  title: z.string(),
  kind: z.enum(['change', 'unavailable']),
  metric: z.enum(METRICS).nullable(),
  previous: z.number().nullable(),
  current: z.number().nullable(),
  /** Names of the rules that fired, e.g. `any`, `every:200`, `percent:5`, `milestone:1000`. */
  rules: z.array(z.string()),
  at: z.number().int(),
});
export type Alert = z.infer<typeof Alert>;

/** `ytwatch_deliveries`: the outcome of one alert at one sink, written by notify with its commit. */
export const Delivery = z.object({
  v: z.literal(1),
  alertId: z.string(),
  videoId: z.string(),
  sink: z.string(),
  outcome: z.enum(['delivered', 'failed']),
  reason: z.string().optional(),
  at: z.number().int(),
});
export type Delivery = z.infer<typeof Delivery>;

/** `ytwatch_dead_letters`: a record a stage could not handle, with the reason and the original value. */
export const DeadLetter = z.object({
  v: z.literal(1),
  stage: z.string(),
  reason: z.string(),
  /** Whether `dlq replay` may re-queue it to `topic` as it is. */
  topic: z.string(),
  partition: z.number().int(),
  offset: z.number().int(),
  key: z.string().nullable(),
  value: z.string().nullable(),
  /** The original record's headers, if it had any. */
  headers: z.record(z.string()).optional(),
  at: z.number().int(),
  sink: z.string().optional(),
  /** Where the sink was delivering (a chat, a webhook host), for `dlq list`. */
  target: z.string().optional(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/** Parses JSON text against a schema, returning a readable reason instead of throwing. */
export function parseRecord<T>(schema: z.ZodType<T>, text: string | null): { ok: true; value: T } | { ok: false; reason: string } {
  if (text === null) return { ok: false, reason: 'empty value (tombstone) on a data topic' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  const res = schema.safeParse(json);
  if (res.success) return { ok: true, value: res.data };
  const issue = res.error.issues[0]!;
  return { ok: false, reason: `invalid: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
}
