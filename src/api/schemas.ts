/**
 * JSON Schemas of the API: Fastify validates requests and serializes replies with them, and
 * `@fastify/swagger` turns them into the OpenAPI document at `/docs/json`.
 */
import { SORT_KEYS } from '../history/store.js';
import { VIDEO_ID_PATTERN } from './params.js';

const count = { type: ['integer', 'null'] } as const;
const epochMs = { type: 'integer', description: 'Epoch milliseconds' } as const;

const stats = {
  type: 'object',
  properties: { views: count, likes: count, comments: count },
  required: ['views', 'likes', 'comments'],
} as const;

const delta = {
  type: 'object',
  description: 'Current value minus the baseline snapshot taken at `since` (the newest at or before the window start, else the oldest kept).',
  properties: { ...stats.properties, since: { type: ['integer', 'null'], description: 'Epoch ms of the baseline snapshot' } },
  required: ['views', 'likes', 'comments', 'since'],
} as const;

export const errorSchema = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, message: { type: 'string' } },
  required: ['statusCode', 'error', 'message'],
} as const;

export const videoSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    url: { type: 'string' },
    channelId: { type: ['string', 'null'] },
    channelTitle: { type: ['string', 'null'] },
    publishedAt: { type: ['string', 'null'] },
    available: { type: 'boolean', description: 'False once YouTube stopped returning the video' },
    firstFetchedAt: epochMs,
    fetchedAt: { ...epochMs, description: 'Epoch ms of the latest snapshot' },
    stats,
    deltas: { type: 'object', properties: { '1h': delta, '24h': delta, '7d': delta }, required: ['1h', '24h', '7d'] },
  },
  required: ['id', 'title', 'url', 'available', 'fetchedAt', 'stats', 'deltas'],
} as const;

export const videoIdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: VIDEO_ID_PATTERN, description: 'YouTube video id (11 characters)' } },
  required: ['id'],
} as const;

export const listQuery = {
  type: 'object',
  properties: {
    sort: { type: 'string', enum: [...SORT_KEYS], default: 'views', description: 'A current number, `title`, `published`, `fetched`, or a delta like `views_24h`' },
    order: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
  additionalProperties: false,
} as const;

export const listReply = {
  type: 'object',
  properties: {
    total: { type: 'integer' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
    videos: { type: 'array', items: videoSchema },
  },
  required: ['total', 'limit', 'offset', 'videos'],
} as const;

export const historyQuery = {
  type: 'object',
  properties: {
    from: { type: 'string', description: 'ISO-8601 date-time or epoch seconds/milliseconds. Default: `to` minus 7 days' },
    to: { type: 'string', description: 'ISO-8601 date-time or epoch seconds/milliseconds. Default: now' },
    step: { type: 'string', description: 'Bucket width: seconds or a duration (`30s`, `5m`, `1h`, `1d`); the last snapshot of each bucket is returned. Default: every snapshot' },
    limit: { type: 'integer', minimum: 1, maximum: 10000, default: 5000 },
  },
  additionalProperties: false,
} as const;

export const historyReply = {
  type: 'object',
  properties: {
    videoId: { type: 'string' },
    from: epochMs,
    to: epochMs,
    step: { type: ['integer', 'null'], description: 'Bucket width in ms, or null for raw snapshots' },
    truncated: { type: 'boolean', description: 'More points matched than `limit`' },
    points: {
      type: 'array',
      items: { type: 'object', properties: { t: epochMs, ...stats.properties }, required: ['t', 'views', 'likes', 'comments'] },
    },
  },
  required: ['videoId', 'from', 'to', 'step', 'truncated', 'points'],
} as const;

const change = {
  type: 'object',
  properties: {
    videoId: { type: 'string' },
    title: { type: 'string' },
    at: epochMs,
    views_previous: count, views_current: count,
    likes_previous: count, likes_current: count,
    comments_previous: count, comments_current: count,
    unavailable: { type: 'boolean' },
  },
} as const;

const alert = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    videoId: { type: 'string' },
    title: { type: 'string' },
    kind: { type: 'string', enum: ['change', 'unavailable'] },
    metric: { type: ['string', 'null'] },
    previous: { type: ['number', 'null'] },
    current: { type: ['number', 'null'] },
    rules: { type: 'array', items: { type: 'string' } },
    at: epochMs,
  },
} as const;

export const feedEntrySchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['change', 'alert'] },
    id: { type: 'string' },
    videoId: { type: 'string' },
    title: { type: 'string' },
    at: epochMs,
    change,
    alert,
    delivery: {
      type: 'array',
      description: 'Alerts only: the latest outcome at each sink (absent until notify handled it)',
      items: {
        type: 'object',
        properties: { sink: { type: 'string' }, outcome: { type: 'string', enum: ['delivered', 'failed'] }, reason: { type: 'string' }, at: epochMs },
        required: ['sink', 'outcome', 'at'],
      },
    },
  },
  required: ['kind', 'id', 'videoId', 'title', 'at'],
} as const;

export const changesQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    before: { type: 'string', description: 'Only entries older than this (ISO-8601 or epoch); pages back' },
    videoId: { type: 'string', pattern: VIDEO_ID_PATTERN },
    kind: { type: 'string', enum: ['change', 'alert'] },
  },
  additionalProperties: false,
} as const;

export const changesReply = {
  type: 'object',
  properties: { items: { type: 'array', items: feedEntrySchema } },
  required: ['items'],
} as const;

const check = { type: 'object', properties: { ok: { type: 'boolean' }, kind: { type: 'string' }, error: { type: 'string' } }, required: ['ok', 'kind'] } as const;

export const healthReply = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded', 'unavailable'], description: 'degraded (still 200): polling or delivery is failing; see reasons' },
    reasons: { type: 'array', items: { type: 'string' } },
    store: check,
    log: check,
  },
  required: ['status', 'store', 'log'],
} as const;
