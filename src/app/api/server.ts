import { version } from '../core/version.js';
import { STATUS_CODES } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import type { EventLog } from '../../engine/core/log.js';
import { describeError, YtwatchError } from '../../engine/core/errors.js';
import type { Names } from '../core/topics.js';
import type { HistoryCounters } from '../history/models.js';
import type { HistoryStore } from '../history/store.js';
import { bearerAuth, hostAllowList } from './auth.js';
export { isLoopback } from './auth.js';
import { dashboardRoutes } from './dashboard.js';
import type { FeedHub } from './live.js';
import { createMetrics, type ProcessMetrics } from './metrics.js';
import { feedRoutes } from './routes-feed.js';
import type { SseLimits } from './sse.js';
import { videoRoutes } from './routes-videos.js';
import { healthReply } from './schemas.js';

export interface ApiOptions extends ProcessMetrics {
  store: HistoryStore;
  log: EventLog;
  names: Names;
  hub: FeedHub;
  logger: Logger;
  /** Counters of the history stage running in this process, for `/metrics`. */
  counters?: HistoryCounters;
  clock?: () => number;
  /** Interval of the keep-alive comment on `/events`. Default 15 s. */
  heartbeatMs?: number;
  /** Client limit and per-client buffer cap of `/events` (defaults: `SSE_DEFAULTS` in sse.ts). */
  sse?: SseLimits;
  /** Timeout of each `/health` check. Default 2 s. */
  healthTimeoutMs?: number;
  /** When set, every request needs `Authorization: Bearer <token>` (`?access_token=<token>` on `/` and `/events`). */
  token?: string;
  /** Without a token, `Host` names answered besides loopback ones (DNS-rebinding guard). */
  allowedHosts?: string[];
}


/**
 * The HTTP API, its OpenAPI document (`/docs/json`, browsable at `/docs`), Prometheus metrics and
 * the dashboard (`/`). Ready to `listen` or `inject`. Client errors are JSON
 * `{statusCode, error, message}`; server errors are logged and answered without details.
 */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const { store, log, names, hub, logger } = options;
  const clock = options.clock ?? Date.now;
  const app = Fastify({ logger: false, forceCloseConnections: 'idle', ajv: { customOptions: { removeAdditional: false } } });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      logger.error({ method: req.method, url: req.url.split('?')[0], err: describeError(err) }, 'api: request failed');
      return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'internal error; see the server log' });
    }
    return reply.code(status).send({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: err.message });
  });
  app.addHook('onRequest', options.token ? bearerAuth(options.token) : hostAllowList(options.allowedHosts));
  // Ajv coerces "1e309" and "Infinity" to Infinity, which passes `type: integer` and skips the
  // minimum/maximum checks (they apply to finite numbers only): refuse it after validation.
  app.addHook('preHandler', async (req, reply) => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const key = Object.keys(query).find((k) => typeof query[k] === 'number' && !Number.isFinite(query[k]));
    if (key !== undefined) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: `querystring/${key} must be a finite number` });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${req.url.split('?')[0]}` }));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'ytwatch API', version: version(), description: 'Watched YouTube videos, their history, changes and alerts.' },
      tags: [
        { name: 'videos', description: 'Videos and their history' },
        { name: 'feed', description: 'Changes and alerts' },
        { name: 'ops', description: 'Health and metrics' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const timeout = options.healthTimeoutMs ?? 2000;
  app.get(
    '/health',
    { schema: { summary: 'Whether the history store and the event log answer (200) or not (503)', tags: ['ops'], response: { 200: healthReply, 503: healthReply } } },
    async (_req, reply) => {
      const [s, l] = await Promise.all([
        check(() => store.ping(), timeout),
        check(() => log.endOffsets(names.topic('videos')), timeout),
      ]);
      const ok = s.ok && l.ok;
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', store: { ...s, kind: store.dialect }, log: { ...l, kind: log.kind } });
    },
  );

  const registry = createMetrics(options);
  app.get('/metrics', { schema: { summary: 'Prometheus metrics (text exposition format)', tags: ['ops'], produces: ['text/plain'] } }, async (_req, reply) => {
    const body = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(body);
  });

  videoRoutes(app, store, clock);
  feedRoutes(app, store, hub, options.heartbeatMs ?? 15_000, options.sse);
  dashboardRoutes(app);
  await app.ready();
  return app;
}

async function check(fn: () => Promise<unknown>, timeoutMs: number): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: describeError(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Starts listening; returns the base URL. A busy port becomes a one-line error naming the fix. */
export async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new YtwatchError(`port ${port} on ${host} is already in use`, { hint: 'pick another with --port', cause: err });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new YtwatchError(`cannot listen on host ${host}`, { hint: 'use --host 127.0.0.1, 0.0.0.0 or an address of this machine', cause: err });
    throw err;
  }
  const addr = app.server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return `http://${shown}:${actual}`;
}
