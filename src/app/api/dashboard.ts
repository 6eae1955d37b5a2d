import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { YtwatchError } from '../../engine/core/errors.js';

/**
 * The dashboard folder: `src/dashboard/` of the package, found from this module whether it runs
 * compiled (`dist/api/`) or from source (`src/api/`), both two levels below the package root.
 */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../../src/app/dashboard/', import.meta.url));

const FILES: Record<string, { file: () => string; type: string }> = {
  '/': { file: () => DASHBOARD_DIR + 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: () => DASHBOARD_DIR + 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: () => DASHBOARD_DIR + 'style.css', type: 'text/css; charset=utf-8' },
  '/favicon.svg': { file: () => DASHBOARD_DIR + 'favicon.svg', type: 'image/svg+xml' },
  '/vendor/uplot.js': { file: () => vendor('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/uplot.css': { file: () => vendor('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

/** Everything from this server; nothing from a CDN, so the dashboard works offline. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function vendor(path: string): string {
  return createRequire(import.meta.url).resolve(path);
}

/**
 * Serves the dashboard's fixed set of files (read once at start-up, so a broken install fails
 * early) and uPlot from node_modules.
 */
export function dashboardRoutes(app: FastifyInstance): void {
  const loaded = new Map<string, { body: Buffer; type: string }>();
  for (const [route, { file, type }] of Object.entries(FILES)) {
    let body: Buffer;
    try {
      body = readFileSync(file());
    } catch (err) {
      throw new YtwatchError(`dashboard file missing for ${route}: ${(err as Error).message}`, { hint: 'reinstall ytwatch (npm install); the dashboard lives in src/app/dashboard and uPlot in node_modules', cause: err });
    }
    loaded.set(route, { body, type });
  }
  for (const [route, { body, type }] of loaded) {
    app.get(route, { schema: { hide: true } }, async (_req, reply) => {
      void reply
        .header('content-type', type)
        .header('cache-control', route.startsWith('/vendor/') ? 'public, max-age=86400' : 'no-cache')
        .header('x-content-type-options', 'nosniff');
      if (type.startsWith('text/html')) void reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
      return reply.send(body);
    });
  }
}
