/** The WebSub route against issue 17's guards: no token and any Host there, the guards everywhere else. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { bearerAuth, hostAllowList } from '../src/app/api/auth.js';
import { websubRoutes } from '../src/app/api/routes-websub.js';
import type { WebSubCallback } from '../src/app/youtube/websub.js';

async function appWith(hook: ReturnType<typeof hostAllowList>) {
  const calls: string[] = [];
  const callback: WebSubCallback = {
    verify: (channelId, query) => (channelId === 'UCknown' ? String(query['hub.challenge']) : undefined),
    notify: (channelId) => void calls.push(`notify ${channelId}`),
    ignored: (channelId, reason) => void calls.push(`ignored ${channelId} ${reason}`),
  };
  const app = Fastify();
  app.addHook('onRequest', hook);
  app.get('/videos', async () => ({ ok: true }));
  await websubRoutes(app, callback);
  await app.ready();
  return { app, calls };
}

describe('/websub/:channelId and the API guards', () => {
  it('without a token: a public Host reaches /websub, not /videos', async () => {
    const { app, calls } = await appWith(hostAllowList());
    const host = 'ytwatch.example.org';
    const get = await app.inject({ url: '/websub/UCknown?hub.mode=subscribe&hub.challenge=abc', headers: { host } });
    assert.deepEqual([get.statusCode, get.body], [200, 'abc']);
    assert.equal((await app.inject({ url: '/websub/UCother?hub.challenge=abc', headers: { host } })).statusCode, 404);
    assert.equal((await app.inject({ method: 'POST', url: '/websub/UCknown', headers: { host, 'content-type': 'application/atom+xml' }, payload: '<feed/>' })).statusCode, 204);
    assert.deepEqual(calls, ['notify UCknown']);
    assert.equal((await app.inject({ url: '/videos', headers: { host } })).statusCode, 403);
    await app.close();
  });

  it('with a token: /websub needs none, /videos does', async () => {
    const { app } = await appWith(bearerAuth('a-long-enough-token-0123456789'));
    assert.equal((await app.inject({ url: '/websub/UCknown?hub.challenge=x' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/videos' })).statusCode, 401);
    await app.close();
  });
});
