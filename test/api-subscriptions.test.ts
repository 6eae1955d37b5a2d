/**
 * `/subscriptions`: writes need the token (401 without one configured, loopback included), the
 * book behind them is the pipeline's (a POSTed target is polled at the next poll), bad input is one
 * clear 400, an unknown id 404, and a flood stops at the per-chat limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFixture, type Fixture } from './api.fixture.js';

const TOKEN = 'subscriptions-test-token-0123456789';

describe('/subscriptions without a token configured', () => {
  let f: Fixture;
  before(async () => (f = await startFixture()));
  after(async () => f.close());

  it('reads answer; every write is 401 with a message naming YTWATCH_API_TOKEN, and nothing changes', async () => {
    const list = await f.app.inject({ url: '/subscriptions' });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(list.json().subscriptions.map((x: { target: string; source: string }) => `${x.source} ${x.target}`), ['config playlist:PLapiFixture'], 'the operator\'s from the flags');
    for (const req of [
      { method: 'POST' as const, url: '/subscriptions', payload: { target: 'PLabcdefgh12', recipient: { kind: 'telegram', chatId: '7' } } },
      { method: 'PATCH' as const, url: '/subscriptions/s-000000000000', payload: { mutedUntil: '1h' } },
      { method: 'DELETE' as const, url: '/subscriptions/s-000000000000' },
    ]) {
      const res = await f.app.inject({ ...req, remoteAddress: '127.0.0.1' });
      assert.equal(res.statusCode, 401, `${req.method} ${res.body}`);
      assert.match(res.json().message, /YTWATCH_API_TOKEN/);
    }
    assert.equal((await f.app.inject({ url: '/subscriptions' })).json().subscriptions.length, 1);
  });
});

/** The stored (not the operator's) subscriptions. */
const stored = async (f: Fixture, headers: Record<string, string>) =>
  ((await f.app.inject({ url: '/subscriptions', headers })).json().subscriptions as Array<{ source: string }>).filter((x) => x.source === 'api');

describe('/subscriptions with the token', () => {
  let f: Fixture;
  const auth = { authorization: `Bearer ${TOKEN}` };
  before(async () => (f = await startFixture({ token: TOKEN })));
  after(async () => f.close());

  it('without the bearer header a write is 401', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/subscriptions', payload: { target: 'PLabcdefgh12', recipient: { kind: 'console' } } });
    assert.equal(res.statusCode, 401);
  });

  it('POST, GET, PATCH (mute), DELETE', async () => {
    f.yt.addPlaylist('PLapiSubscribed', [f.videos[0]!.id]);
    const created = await f.app.inject({ method: 'POST', url: '/subscriptions', headers: auth, payload: { target: 'https://www.youtube.com/playlist?list=PLapiSubscribed', recipient: { kind: 'telegram', chatId: '7' }, rules: { views: { every: 10 } } } });
    assert.equal(created.statusCode, 201, created.body);
    const sub = created.json();
    assert.equal(sub.target, 'playlist:PLapiSubscribed');
    assert.equal(sub.source, 'api');
    const again = await f.app.inject({ method: 'POST', url: '/subscriptions', headers: auth, payload: { target: 'PLapiSubscribed', recipient: { kind: 'telegram', chatId: '7' } } });
    assert.equal(again.statusCode, 200, 'the same chat and target: updated, not duplicated');
    assert.equal((await stored(f, auth)).length, 1);
    const muted = await f.app.inject({ method: 'PATCH', url: `/subscriptions/${sub.id}`, headers: auth, payload: { mutedUntil: '2h' } });
    assert.equal(muted.statusCode, 200, muted.body);
    assert.ok(muted.json().mutedUntil > Date.now() + 3_600_000);
    const gone = await f.app.inject({ method: 'DELETE', url: `/subscriptions/${sub.id}`, headers: auth });
    assert.equal(gone.statusCode, 200);
    assert.equal((await f.app.inject({ method: 'DELETE', url: `/subscriptions/${sub.id}`, headers: auth })).statusCode, 404);
  });

  it('bad input: one clear 400 each, nothing stored', async () => {
    const bad = [
      { target: 'not a target!!', recipient: { kind: 'console' } },
      { target: 'PLabcdefgh12', recipient: { kind: 'telegram', chatId: 'robert; drop' } },
      { target: 'PLabcdefgh12', recipient: { kind: 'console' }, rules: { views: { evry: 1 } } },
      { target: 'x'.repeat(5000), recipient: { kind: 'console' } },
      { target: 'PLabcdefgh12', recipient: { kind: 'console' }, extra: 1 },
    ];
    for (const payload of bad) {
      const res = await f.app.inject({ method: 'POST', url: '/subscriptions', headers: auth, payload });
      assert.equal(res.statusCode, 400, res.body);
      assert.ok(res.json().message.length < 400, res.json().message);
    }
    const mute = await f.app.inject({ method: 'PATCH', url: '/subscriptions/s-000000000000', headers: auth, payload: { mutedUntil: 'soonish' } });
    assert.equal(mute.statusCode, 400);
    assert.match(mute.json().message, /bad mute time/);
    const unknown = await f.app.inject({ method: 'PATCH', url: '/subscriptions/s-000000000000', headers: auth, payload: { mutedUntil: '1h' } });
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(await stored(f, auth), []);
  });

  it('a subscription flood stops at the per-chat limit (50) with one clear refusal', async () => {
    for (let i = 0; i < 50; i++) {
      const res = await f.app.inject({ method: 'POST', url: '/subscriptions', headers: auth, payload: { target: `PLflood${String(i).padStart(6, '0')}`, recipient: { kind: 'telegram', chatId: '9' } } });
      assert.equal(res.statusCode, 201, res.body);
    }
    const res = await f.app.inject({ method: 'POST', url: '/subscriptions', headers: auth, payload: { target: 'PLflood999999', recipient: { kind: 'telegram', chatId: '9' } } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, /already has 50 subscriptions.*maxPerChat/);
    assert.equal((await stored(f, auth)).length, 50);
  });
});
