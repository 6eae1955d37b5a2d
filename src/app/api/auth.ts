import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Routes served without the token: the dashboard's static files and the OpenAPI UI's assets. They
 * hold no data, and the browser loads them from `<script>`/`<link>` tags that cannot carry it.
 * Matched on the route that will answer (Fastify's `routeOptions.url`), not on the raw URL.
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/app.js', '/style.css', '/favicon.svg', '/vendor/uplot.js', '/vendor/uplot.css']);

/**
 * The WebSub callback (served only with `WEBSUB_CALLBACK_URL`): YouTube's hub reaches it from the
 * internet, so it needs no token and answers any `Host`. It holds no data: it echoes a challenge only
 * for a subscription ytwatch asked for, and notifications are authenticated by their HMAC signature.
 */
export const WEBSUB_ROUTE = '/websub/:channelId';

/** True for a route served without the token: {@link PUBLIC_ROUTES}, the OpenAPI UI's `/docs/static/…` and {@link WEBSUB_ROUTE}. */
export function isPublicRoute(route: string): boolean {
  return PUBLIC_ROUTES.has(route) || route.startsWith('/docs/static/') || route === WEBSUB_ROUTE;
}

/** Routes that accept `?access_token=` (a browser cannot set a header there): the dashboard page and `/events`. */
export const QUERY_TOKEN_ROUTES: ReadonlySet<string> = new Set(['/', '/events']);

/** The shortest `YTWATCH_API_TOKEN` accepted when the API listens beyond loopback. */
export const MIN_TOKEN_LENGTH = 16;

/** Failed token checks per client address in {@link AUTH_WINDOW_MS} before it is answered 429. */
export const MAX_AUTH_FAILURES = 20;
export const AUTH_WINDOW_MS = 60_000;

/**
 * Counts failures per client address in fixed windows; at most `maxClients` addresses are tracked
 * (the oldest forgotten first), so a flood of addresses cannot grow memory without bound.
 */
export class FailureLimiter {
  private readonly seen = new Map<string, { count: number; until: number }>();
  constructor(
    private readonly max = MAX_AUTH_FAILURES,
    private readonly windowMs = AUTH_WINDOW_MS,
    private readonly clock: () => number = Date.now,
    private readonly maxClients = 10_000,
  ) {}

  /** Seconds until `key` may try again, or 0 when it may now. */
  blockedFor(key: string): number {
    const e = this.seen.get(key);
    if (!e || this.clock() >= e.until) return 0;
    return e.count >= this.max ? Math.ceil((e.until - this.clock()) / 1000) : 0;
  }

  fail(key: string): void {
    const now = this.clock();
    let e = this.seen.get(key);
    if (!e || now >= e.until) {
      this.seen.delete(key);
      if (this.seen.size >= this.maxClients) this.seen.delete(this.seen.keys().next().value!);
      e = { count: 0, until: now + this.windowMs };
      this.seen.set(key, e);
    }
    e.count++;
  }
}

/**
 * Rejects requests without the token (401, constant-time comparison); after
 * {@link MAX_AUTH_FAILURES} failures in a minute an address gets 429 until the minute is over.
 */
export function bearerAuth(token: string, limiter = new FailureLimiter()) {
  const expected = createHash('sha256').update(token).digest();
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const route = req.routeOptions.url ?? '';
    if (isPublicRoute(route)) return;
    const wait = limiter.blockedFor(req.ip);
    if (wait > 0) {
      return reply.code(429).header('retry-after', String(wait)).send({ statusCode: 429, error: 'Too Many Requests', message: `too many requests with a wrong token; try again in ${wait} s` });
    }
    const header = req.headers.authorization;
    const query = req.query as Record<string, unknown>;
    const fromQuery = typeof query.access_token === 'string' && QUERY_TOKEN_ROUTES.has(route) ? query.access_token : undefined;
    delete query.access_token; // not part of any route's schema
    const given = header?.startsWith('Bearer ') ? header.slice(7) : fromQuery;
    if (given && timingSafeEqual(createHash('sha256').update(given).digest(), expected)) return;
    limiter.fail(req.ip);
    return reply.code(401).header('www-authenticate', 'Bearer').send({ statusCode: 401, error: 'Unauthorized', message: 'this API needs its token: Authorization: Bearer <YTWATCH_API_TOKEN>' });
  };
}

/** Loopback addresses need no token; anything else does. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The host name of a `Host` header, lower-case, without the port or IPv6 brackets. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  return h.split(':')[0]!.replace(/\.$/, '');
}

/**
 * Without a token, answers only requests whose `Host` names loopback (`localhost`, `127.x.x.x`,
 * `[::1]`) or one of `extra`: a page on another site that rebinds its DNS name to 127.0.0.1 sends its
 * own name as `Host` and gets 403 (DNS rebinding). {@link WEBSUB_ROUTE} is exempt (the hub reaches it
 * through a proxy under its public name).
 */
export function hostAllowList(extra: string[] = []) {
  const allowed = new Set(extra.map(hostName));
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.routeOptions.url === WEBSUB_ROUTE) return;
    const name = hostName(req.headers.host ?? '');
    if (isLoopback(name) || allowed.has(name)) return;
    return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: `Host ${JSON.stringify(name.slice(0, 100))} is not allowed without a token: open the API as http://127.0.0.1:<port>, or set YTWATCH_API_TOKEN` });
  };
}
