import type { FastifyInstance } from 'fastify';
import { videoUrl } from '../core/video.js';
import type { HistoryStore, SortKey, VideoSummary } from '../history/store.js';
import { BadParameter, parseDuration, parseTime } from './params.js';
import { errorSchema, historyQuery, historyReply, listQuery, listReply, videoIdParams, videoSchema } from './schemas.js';

const WEEK = 7 * 86_400_000;
/** More buckets than this in one history request is a mistake (or an attack), not a chart. */
const MAX_BUCKETS = 100_000;

const withUrl = (v: VideoSummary) => ({ ...v, url: videoUrl(v.id) });

/** `GET /videos`, `GET /videos/:id`, `GET /videos/:id/history`. */
export function videoRoutes(app: FastifyInstance, store: HistoryStore, clock: () => number): void {
  app.get<{ Querystring: { sort: SortKey; order: 'asc' | 'desc'; limit: number; offset: number } }>(
    '/videos',
    {
      schema: {
        summary: 'Watched videos with their latest numbers and deltas over 1 h, 24 h and 7 d',
        tags: ['videos'],
        querystring: listQuery,
        response: { 200: listReply, 400: errorSchema },
      },
    },
    async (req) => {
      const { sort, order, limit, offset } = req.query;
      const { total, videos } = await store.listVideos({ sort, order, limit, offset });
      return { total, limit, offset, videos: videos.map(withUrl) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/videos/:id',
    {
      schema: {
        summary: 'One video with its latest numbers and deltas',
        tags: ['videos'],
        params: videoIdParams,
        response: { 200: videoSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const video = await store.getVideo(req.params.id);
      if (!video) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `unknown video ${req.params.id}` });
      return withUrl(video);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { from?: string; to?: string; step?: string; limit: number } }>(
    '/videos/:id/history',
    {
      schema: {
        summary: 'A video\'s snapshots over time, optionally downsampled into buckets of `step`',
        tags: ['videos'],
        params: videoIdParams,
        querystring: historyQuery,
        response: { 200: historyReply, 400: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const to = parseTime('to', req.query.to, clock());
      const from = parseTime('from', req.query.from, to - WEEK);
      if (from > to) throw new BadParameter('from must not be after to');
      const stepMs = parseDuration('step', req.query.step);
      if (stepMs !== undefined && (to - from) / stepMs > MAX_BUCKETS) throw new BadParameter(`step is too small for the range (more than ${MAX_BUCKETS} buckets)`);
      const video = await store.getVideo(id);
      if (!video) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `unknown video ${id}` });
      const { points, truncated } = await store.history(id, { from, to, stepMs, limit: req.query.limit });
      return { videoId: id, from, to, step: stepMs ?? null, truncated, points };
    },
  );
}
