/**
 * JSON Schemas of the API: Fastify validates requests and serializes replies with them, and
 * `@fastify/swagger` turns them into the OpenAPI document at `/docs/json`. Each is derived from a
 * zod definition (the store's shapes in `history/models.ts`, the records in `core/events.ts`);
 * none is written by hand.
 */
import { z } from 'zod';
import { VIDEO_ID } from '../core/video.js';
import { epochMs, FeedEntry, HistoryPoint, VideoSummary } from '../history/models.js';
import { SORT_KEYS } from '../history/store.js';
import { toJsonSchema } from '../core/json-schema.js';
import { StatusView } from '../core/status.js';
import { Recipient, Subscription } from '../core/events.js';

const videoId = z.string().regex(VIDEO_ID);

export const errorSchema = toJsonSchema(z.object({ statusCode: z.number().int(), error: z.string(), message: z.string() }));

/** A video as the API shows it: the store's summary plus its watch URL. */
const ApiVideo = z.object({ id: z.string(), title: z.string(), url: z.string() }).merge(VideoSummary.omit({ id: true, title: true }));
export const videoSchema = toJsonSchema(ApiVideo);

export const videoIdParams = toJsonSchema(z.object({ id: videoId.describe('YouTube video id (11 characters)') }));

/** The largest `offset` accepted: beyond it the stores' integers overflow (a 400, not a 500). */
export const MAX_OFFSET = 1_000_000_000;

export const listQuery = toJsonSchema(
  z
    .object({
      sort: z.enum(SORT_KEYS).default('views').describe('A current number, `title`, `published`, `fetched`, or a delta like `views_24h`'),
      order: z.enum(['asc', 'desc']).default('desc'),
      limit: z.number().int().min(1).max(1000).default(100),
      offset: z.number().int().min(0).max(MAX_OFFSET).default(0).describe('Rows to skip, at most 1,000,000,000'),
    })
    .strict(),
);

export const listReply = toJsonSchema(z.object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), videos: z.array(ApiVideo) }));

export const historyQuery = toJsonSchema(
  z
    .object({
      from: z.string().optional().describe('ISO-8601 date-time or epoch seconds/milliseconds. Default: `to` minus 7 days'),
      to: z.string().optional().describe('ISO-8601 date-time or epoch seconds/milliseconds. Default: now'),
      step: z.string().optional().describe('Bucket width: seconds or a duration (`30s`, `5m`, `1h`, `1d`); the last snapshot of each bucket is returned. Default: every snapshot'),
      limit: z.number().int().min(1).max(10000).default(5000),
    })
    .strict(),
);

export const historyReply = toJsonSchema(
  z.object({
    videoId: z.string(),
    from: epochMs,
    to: epochMs,
    step: z.number().int().nullable().describe('Bucket width in ms, or null for raw snapshots'),
    truncated: z.boolean().describe('More points matched than `limit`'),
    points: z.array(HistoryPoint),
  }),
);

export const feedEntrySchema = toJsonSchema(FeedEntry);

export const changesQuery = toJsonSchema(
  z
    .object({
      limit: z.number().int().min(1).max(500).default(50),
      before: z.string().optional().describe('Only entries older than this (ISO-8601 or epoch); pages back'),
      videoId: videoId.optional(),
      kind: z.enum(['change', 'alert']).optional(),
    })
    .strict(),
);

export const changesReply = toJsonSchema(z.object({ items: z.array(FeedEntry) }));

const check = z.object({ ok: z.boolean(), kind: z.string(), error: z.string().optional() });

export const healthReply = toJsonSchema(
  z.object({
    status: z.enum(['ok', 'degraded', 'unavailable']).describe('degraded (still 200): polling or delivery is failing; see reasons'),
    reasons: z.array(z.string()).optional(),
    store: check,
    log: check,
  }),
);

export const statusReply = toJsonSchema(StatusView);

export const websubParams = toJsonSchema(z.object({ channelId: z.string().max(64).describe('Channel id of the subscription (`UC…`)') }));

const SubscriptionView = Subscription.extend({ source: z.enum(['api', 'config']).describe('`config`: from --playlist/--channel/--video or the config file (read-only here)') });
export const subscriptionList = toJsonSchema(z.object({ subscriptions: z.array(SubscriptionView) }));
export const subscriptionReply = toJsonSchema(SubscriptionView.extend({ quota: z.string().optional().describe('On creation: what the poll costs with it, and the interval `auto` now uses') }));
export const subscriptionParams = toJsonSchema(z.object({ id: z.string().max(64) }).strict());
export const subscriptionCreate = toJsonSchema(
  z
    .object({
      target: z.string().min(1).max(300).describe('A playlist, channel or video in any form `run` accepts (URL, PL…, UC…, @handle, video id)'),
      recipient: Recipient.describe('Who is told: a Telegram chat, or the webhook / console sink'),
      rules: z.record(z.unknown()).optional().describe('Rules in the config file\'s language; absent: the global rules'),
    })
    .strict(),
);
export const subscriptionPatch = toJsonSchema(
  z
    .object({
      mutedUntil: z.union([z.string().max(40), z.null()]).optional().describe('ISO time, or a duration from now (`2h`, `1d`), or null to unmute'),
      rules: z.record(z.unknown()).optional(),
    })
    .strict(),
);
