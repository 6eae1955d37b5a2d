import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Routes served without the token: the dashboard's static files and the OpenAPI UI's assets. They
 * hold no data, and the browser loads them from `<script>`/`<link>` tags that cannot carry it.
 * Matched on the route that will answer (Fastify's `routeOptions.url`), not on the raw URL.
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/app.js', '/style.css', '/favicon.svg', '/vendor/uplot.js', '/vendor/uplot.css']);

/** True for a route served without the token: {@link PUBLIC_ROUTES} and the OpenAPI UI's `/docs/static/…`. */
export function isPublicRoute(route: string): boolean {
  return PUBLIC_ROUTES.has(route) || route.startsWith('/docs/static/');
}

/** Routes that accept `?access_token=` (a browser cannot set a header there): the dashboard page and `/events`. */
export const QUERY_TOKEN_ROUTES: ReadonlySet<string> = new Set(['/', '/events']);

/** Rejects requests without the token (401, constant-time comparison). */
export function bearerAuth(token: string) {
  const expected = createHash('sha256').update(token).digest();
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const route = req.routeOptions.url ?? '';
    if (isPublicRoute(route)) return;
    const header = req.headers.authorization;
    const query = req.query as Record<string, unknown>;
    const fromQuery = typeof query.access_token === 'string' && QUERY_TOKEN_ROUTES.has(route) ? query.access_token : undefined;
    delete query.access_token; // not part of any route's schema
    const given = header?.startsWith('Bearer ') ? header.slice(7) : fromQuery;
    if (given && timingSafeEqual(createHash('sha256').update(given).digest(), expected)) return;
    return reply.code(401).header('www-authenticate', 'Bearer').send({ statusCode: 401, error: 'Unauthorized', message: 'this API needs its token: Authorization: Bearer <YTWATCH_API_TOKEN>' });
  };
}
