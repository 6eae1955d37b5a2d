/**
 * Record values on ytwatch's topics: JSON, versioned by `v`. Parsing is strict (`parseRecord` in the
 * engine); a value that fails is a poison record and goes to the dead-letter topic.
 */
import { z } from 'zod';
import { RulesSchema } from './rules.js';

const count = z.number().int().nonnegative().nullable();

/** Who a subscription's alerts go to: a Telegram chat, or the webhook / console sink. */
export const Recipient = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('telegram'), chatId: z.string().regex(/^-?\d{1,20}$|^@[A-Za-z0-9_]{5,32}$/, 'a chat id (digits) or @channelname') }).strict(),
  z.object({ kind: z.literal('webhook') }).strict(),
  z.object({ kind: z.literal('console') }).strict(),
]);
export type Recipient = z.infer<typeof Recipient>;

/**
 * On a snapshot or unavailable record: the watched targets (canonical keys) that hold the video, and
 * whether the operator (flags, config `watch`) watches it. Detect routes alerts by them; records
 * without them (older ones) alert every sink.
 */
const routing = {
  targets: z.array(z.string()).optional(),
  operator: z.literal(true).optional(),
};

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
  /**
   * Set when this video just joined a watched channel or playlist that had been listed before: how
   * ytwatch found it (its feed, a full listing, a WebSub push). Detect raises one 🆕 alert for it.
   */
  discoveredBy: z.enum(['feed', 'listing', 'push']).optional(),
  ...routing,
});
export type VideoSnapshot = z.infer<typeof VideoSnapshot>;
export type Discovery = NonNullable<VideoSnapshot['discoveredBy']>;

/** `youtube_videos`, keyed by video id: a watched video YouTube no longer returns (deleted, private). */
export const VideoUnavailable = z.object({
  v: z.literal(1),
  type: z.literal('unavailable'),
  videoId: z.string().min(1),
  fetchedAt: z.number().int(),
  pollId: z.string(),
  ...routing,
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
  /** `new`: a video that joined a watched channel or playlist (see `discoveredBy`). */
  kind: z.enum(['change', 'unavailable', 'new']),
  metric: z.enum(METRICS).nullable(),
  previous: z.number().nullable(),
  current: z.number().nullable(),
  /** Names of the rules that fired, e.g. `any`, `every:200`, `percent:5`, `milestone:1000`. */
  rules: z.array(z.string()),
  at: z.number().int(),
  /** The subscriber it is for; absent: the operator's alert, for every configured sink. */
  recipient: Recipient.optional(),
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

/** `ytwatch_status`, key `poll`: the poller's last outcome and the quota spent on the Pacific day `day`. */
export const PollStatus = z.object({
  /** When the last poll ended (successfully or not). */
  at: z.number().int(),
  ok: z.boolean(),
  error: z.string().optional(),
  lastSuccessAt: z.number().int().optional(),
  videos: z.number().int().optional(),
  unitsToday: z.number(),
  day: z.string(),
  dailyBudget: z.number(),
  nextAt: z.number().int().optional(),
});
export type PollStatus = z.infer<typeof PollStatus>;

/** `ytwatch_status`, key `sink/<name>`: a sink's last success and last failure. */
export const SinkStatus = z.object({
  sink: z.string(),
  lastSuccessAt: z.number().int().optional(),
  lastFailureAt: z.number().int().optional(),
  lastFailure: z.string().optional(),
});
export type SinkStatus = z.infer<typeof SinkStatus>;

/** A `ytwatch_status` value: which shape is told by the key. */
export const StatusRecord = z.union([PollStatus, SinkStatus]);
export type StatusRecord = z.infer<typeof StatusRecord>;

/** `ytwatch_dlq_marks`, keyed by dead-letter id: `dlq replay` / `dlq purge` handled it. */
export const DlqMark = z.object({ action: z.enum(['replayed', 'purged']), at: z.number().int() });
export type DlqMark = z.infer<typeof DlqMark>;

/** `ytwatch_detect_state`, keyed by video id: what detect remembers per video (`LATEST_BY_OFFSET`'s current). */
export const VideoState = z.object({
  title: z.string(),
  views: count,
  likes: count,
  comments: count,
  available: z.boolean(),
  at: z.number().int(),
});
export type VideoState = z.infer<typeof VideoState>;


/**
 * `ytwatch_subscriptions` (compacted, keyed by id; an empty value removes it): who watches what,
 * with which rules (absent: the global `rules`), muted until when.
 */
export const Subscription = z
  .object({
    v: z.literal(1),
    id: z.string().regex(/^[a-z0-9-]{1,64}$/),
    recipient: Recipient,
    /** The target in canonical form: `playlist:ID`, `channel:UC…`, `channel:@handle` or `video:ID`. */
    target: z.string().regex(/^(playlist|channel|video):[@A-Za-z0-9._-]{2,64}$/),
    rules: RulesSchema.optional(),
    /** Epoch ms; alerts before it are not sent to this recipient. */
    mutedUntil: z.number().int().nullable().default(null),
    createdAt: z.number().int(),
  })
  .strict();
export type Subscription = z.infer<typeof Subscription>;
