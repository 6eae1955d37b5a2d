import type { FastifyInstance, FastifyReply } from 'fastify';
import { YtwatchError } from '../../engine/core/errors.js';
import type { Recipient, Subscription } from '../core/events.js';
import { muteUntil, type SubscriptionBook } from '../subscriptions/book.js';
import { errorSchema, subscriptionCreate, subscriptionList, subscriptionParams, subscriptionPatch, subscriptionReply } from './schemas.js';

/**
 * `GET|POST /subscriptions`, `PATCH|DELETE /subscriptions/{id}`: the same book as `ytwatch watch`
 * and the bot. Writes always need `YTWATCH_API_TOKEN`, loopback included (any web page can post to
 * localhost); without a token configured they are refused (401). Bad input is a 400 naming the fix.
 */
export function subscriptionRoutes(app: FastifyInstance, book: SubscriptionBook, token: string | undefined, clock: () => number): void {
  const view = (s: Subscription) => ({ ...s, source: s.id.startsWith('config-') ? 'config' : 'api' });
  const writable = (reply: FastifyReply) => {
    if (token) return true; // the bearer check (auth.ts) has already passed
    void reply.code(401).header('www-authenticate', 'Bearer').send({ statusCode: 401, error: 'Unauthorized', message: 'changing subscriptions needs YTWATCH_API_TOKEN: set it on the server and send Authorization: Bearer <token>' });
    return false;
  };
  /** Our one-line errors (bad target, rules, unknown id, limit) as 400/404. */
  const fail = (reply: FastifyReply, err: unknown) => {
    if (!(err instanceof YtwatchError)) throw err;
    const code = /^no subscription/.test(err.message) ? 404 : 400;
    return reply.code(code).send({ statusCode: code, error: code === 404 ? 'Not Found' : 'Bad Request', message: `${err.message}${err.hint ? ` — ${err.hint}` : ''}` });
  };
  const tags = ['subscriptions'];
  const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema };

  app.get('/subscriptions', { schema: { summary: 'Every subscription (the operator\'s from flags and config included, source `config`)', tags, response: { 200: subscriptionList } } }, async () => {
    await book.refresh();
    return { subscriptions: book.list().map(view) };
  });
  app.post('/subscriptions', { schema: { summary: 'Subscribe a recipient to a target (the same pair again replaces its rules); needs the token', tags, body: subscriptionCreate, response: { 201: subscriptionReply, 200: subscriptionReply, ...errors } } }, async (req, reply) => {
    if (!writable(reply)) return reply;
    const body = req.body as { target: string; recipient: Recipient; rules?: unknown };
    try {
      const { subscription, created, quota } = await book.add(body);
      return reply.code(created ? 201 : 200).send({ ...view(subscription), ...(quota ? { quota } : {}) });
    } catch (err) {
      return fail(reply, err);
    }
  });
  app.patch('/subscriptions/:id', { schema: { summary: 'Mute (until a time or for a duration), unmute, or change the rules; needs the token', tags, params: subscriptionParams, body: subscriptionPatch, response: { 200: subscriptionReply, ...errors } } }, async (req, reply) => {
    if (!writable(reply)) return reply;
    const { id } = req.params as { id: string };
    const body = req.body as { mutedUntil?: string | null; rules?: unknown };
    try {
      const mutedUntil = body.mutedUntil === undefined || body.mutedUntil === null ? body.mutedUntil : muteUntil(body.mutedUntil, clock());
      return view(await book.update(id, { mutedUntil, rules: body.rules }));
    } catch (err) {
      return fail(reply, err);
    }
  });
  app.delete('/subscriptions/:id', { schema: { summary: 'Remove a subscription (not the operator\'s: edit the flags or config); needs the token', tags, params: subscriptionParams, response: { 200: subscriptionReply, ...errors } } }, async (req, reply) => {
    if (!writable(reply)) return reply;
    try {
      return view(await book.remove((req.params as { id: string }).id));
    } catch (err) {
      return fail(reply, err);
    }
  });
}
