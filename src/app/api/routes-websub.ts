import type { FastifyError, FastifyInstance } from 'fastify';
import type { WebSubCallback } from '../youtube/websub.js';
import { WEBSUB_ROUTE } from './auth.js';
import { websubParams as params } from './schemas.js';

/** Largest notification body read; YouTube's are a few KB, so anything near this is not one. */
export const WEBSUB_BODY_LIMIT = 256 * 1024;

/**
 * The WebSub callback, `GET|POST /websub/:channelId` — the only route served without the API token
 * (the hub cannot send one; notifications are authenticated by their HMAC signature instead).
 * GET echoes `hub.challenge` for subscriptions ytwatch asked for, else 404. POST always answers 204
 * and never fails: unsigned, badly signed, unknown-topic, replayed, malformed or oversized bodies
 * are ignored (a warning in the log), so the hub and strangers learn nothing.
 */
export async function websubRoutes(app: FastifyInstance, callback: WebSubCallback): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBSUB_BODY_LIMIT }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err: FastifyError, req, reply) => {
      callback.ignored(String((req.params as { channelId?: string }).channelId ?? ''), err.code ?? err.message);
      return reply.code(204).send();
    });
    const schema = { tags: ['websub'], params, hide: false };
    scope.get(WEBSUB_ROUTE, { schema: { ...schema, summary: 'WebSub verification: echoes hub.challenge for subscriptions ytwatch asked for' } }, async (req, reply) => {
      const { channelId } = req.params as { channelId: string };
      const challenge = callback.verify(channelId, req.query as Record<string, unknown>);
      if (challenge === undefined) return reply.code(404).type('text/plain').send('unknown subscription');
      return reply.code(200).type('text/plain').send(challenge);
    });
    scope.post(WEBSUB_ROUTE, { schema: { ...schema, summary: 'WebSub notification (Atom, signed X-Hub-Signature: sha1=…); always 204' } }, async (req, reply) => {
      const { channelId } = req.params as { channelId: string };
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const signature = req.headers['x-hub-signature'];
      callback.notify(channelId, typeof signature === 'string' ? signature : undefined, body);
      return reply.code(204).send();
    });
  });
}
