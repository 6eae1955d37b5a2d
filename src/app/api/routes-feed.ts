import type { FastifyInstance } from 'fastify';
import type { HistoryStore } from '../history/store.js';
import type { FeedHub } from './live.js';
import { parseTime } from './params.js';
import { changesQuery, changesReply, errorSchema } from './schemas.js';

/**
 * `GET /changes` (recent changes and alerts from the store) and `GET /events` (server-sent events:
 * each change or alert as the history stage stores it; `event:` is `change` or `alert`, `data:` the
 * same JSON as a `/changes` item). Streams get a comment every `heartbeatMs` so proxies keep them
 * open, and are ended when the server closes.
 */
export function feedRoutes(app: FastifyInstance, store: HistoryStore, hub: FeedHub, heartbeatMs: number): void {
  app.get<{ Querystring: { limit: number; before?: string; videoId?: string; kind?: 'change' | 'alert' } }>(
    '/changes',
    {
      schema: {
        summary: 'Recent changes and alerts, newest first',
        tags: ['feed'],
        querystring: changesQuery,
        response: { 200: changesReply, 400: errorSchema },
      },
    },
    async (req) => {
      const { limit, videoId, kind } = req.query;
      const before = req.query.before === undefined ? undefined : parseTime('before', req.query.before, 0);
      return { items: await store.feed({ limit, before, videoId, kind }) };
    },
  );

  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });
  app.get(
    '/events',
    {
      schema: {
        summary: 'Live feed (text/event-stream): each new change (`event: change`) and alert (`event: alert`)',
        tags: ['feed'],
        produces: ['text/event-stream'],
      },
    },
    (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 3000\n: connected\n\n');
      const unsubscribe = hub.subscribe((e) => {
        res.write(`id: ${e.id}\nevent: ${e.kind}\ndata: ${JSON.stringify(e)}\n\n`);
      });
      const timer = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
      const cleanup = () => {
        clearInterval(timer);
        unsubscribe();
        open.delete(end);
      };
      const end = () => {
        cleanup();
        res.end();
      };
      open.add(end);
      res.on('close', cleanup);
    },
  );
}
