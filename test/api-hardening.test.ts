/** Issue 17, items 5–7: Host allow-list without a token, token details, huge offsets. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FailureLimiter, hostName, MAX_AUTH_FAILURES } from '../src/app/api/auth.js';
import { HistoryApi } from '../src/app/cli/history-api.js';
import { names } from '../src/app/core/topics.js';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import { createLogger } from '../src/app/runtime/logger.js';
import { startFixture, type Fixture } from './api.fixture.js';
import { scratch } from './helpers/cli.js';

describe('without a token', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
    await f.poll();
  });
  after(() => f?.close());

  it('item 7: a huge offset is a 400, not a 500', async () => {
    for (const offset of ['9223372036854775807', '1000000001', '1e300']) {
      const res = await f.app.inject({ url: `/videos?offset=${offset}` });
      assert.equal(res.statusCode, 400, offset);
      assert.match(res.json<{ message: string }>().message, /offset/);
    }
    assert.equal((await f.app.inject({ url: '/videos?offset=1000000000' })).statusCode, 200);
  });

  it('item 7: numbers that overflow to Infinity are a 400 on every numeric parameter', async () => {
    for (const url of ['/videos?offset=1e309', '/videos?limit=1e309', '/videos?limit=Infinity', '/changes?limit=-Infinity', `/videos/${f.videos[0]!.id}/history?limit=1e999`]) {
      const res = await f.app.inject({ url });
      assert.equal(res.statusCode, 400, url);
      assert.match(res.json<{ message: string }>().message, /must be a finite number/, url);
    }
  });

  it('item 5: answers only a loopback Host (DNS rebinding)', async () => {
    for (const host of ['localhost:8080', '127.0.0.1:8080', '127.1.2.3', '[::1]:8080', 'LOCALHOST']) {
      assert.equal((await f.app.inject({ url: '/videos', headers: { host } })).statusCode, 200, host);
    }
    for (const host of ['evil.example:8080', 'localhost.evil.example', '127.0.0.1.nip.io']) {
      const res = await f.app.inject({ url: '/videos', headers: { host } });
      assert.equal(res.statusCode, 403, host);
      assert.match(res.json<{ message: string }>().message, /not allowed without a token/);
    }
  });

  it('hostName strips ports and brackets', () => {
    assert.equal(hostName('[::1]:80'), '::1');
    assert.equal(hostName('Example.COM.:443'), 'example.com');
  });
});

describe('with a token', () => {
  const TOKEN = 'a-long-enough-token-0123456789';
  let f: Fixture;
  before(async () => (f = await startFixture({ token: TOKEN })));
  after(() => f?.close());

  it('item 6: ?access_token= only on / and /events; a header everywhere', async () => {
    assert.equal((await f.app.inject({ url: `/?access_token=${TOKEN}` })).statusCode, 200);
    for (const url of ['/videos', '/health', '/metrics', '/changes', '/docs/json']) {
      assert.equal((await f.app.inject({ url: `${url}?access_token=${TOKEN}`, remoteAddress: '10.0.0.1' })).statusCode, 401, url);
      assert.equal((await f.app.inject({ url, headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 200, url);
    }
    // With a token, any Host is answered (the token is the guard).
    assert.equal((await f.app.inject({ url: '/videos', headers: { host: 'ytwatch.example', authorization: `Bearer ${TOKEN}` } })).statusCode, 200);
  });

  it('item 6: 401s are rate-limited per address', async () => {
    const remoteAddress = '10.9.9.9';
    for (let i = 0; i < MAX_AUTH_FAILURES; i++) {
      assert.equal((await f.app.inject({ url: '/videos', remoteAddress, headers: { authorization: 'Bearer guess' } })).statusCode, 401);
    }
    const res = await f.app.inject({ url: '/videos', remoteAddress, headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.statusCode, 429);
    assert.ok(Number(res.headers['retry-after']) > 0);
    assert.equal((await f.app.inject({ url: '/videos', remoteAddress: '10.9.9.8', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 200);
  });

  it('the limiter forgets after its window and tracks a bounded number of addresses', () => {
    let now = 0;
    const l = new FailureLimiter(2, 1000, () => now, 3);
    l.fail('a');
    l.fail('a');
    assert.ok(l.blockedFor('a') > 0);
    now = 1000;
    assert.equal(l.blockedFor('a'), 0);
    for (const k of ['b', 'c', 'd', 'e']) l.fail(k);
    assert.equal((l as unknown as { seen: Map<string, unknown> }).seen.size, 3);
  });
});

it('item 6: a short token is refused beyond loopback', async () => {
  const s = scratch();
  const log = new SqliteLog({ path: `${s.dataDir}/log.db` });
  try {
    await assert.rejects(
      HistoryApi.start({ log, names: names(), logger: createLogger('silent'), dataDir: s.dataDir, retentionDays: 1, host: '0.0.0.0', port: 0, token: 'x' }),
      /YTWATCH_API_TOKEN is too short \(1 characters\)/,
    );
  } finally {
    await log.close();
    s.cleanup();
  }
});
