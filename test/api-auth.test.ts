/** The API's bearer token, and the refusal to listen beyond loopback without one. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { HistoryApi } from '../src/app/cli/history-api.js';
import { names } from '../src/app/core/topics.js';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import { createLogger } from '../src/app/runtime/logger.js';
import { startFixture } from './api.fixture.js';
import { scratch } from './helpers/cli.js';

it('with YTWATCH_API_TOKEN every route needs the token, as a header or a query parameter', async () => {
  const f = await startFixture({ token: 's3cret-token' });
  try {
    await f.poll();
    for (const url of ['/videos', '/health', '/metrics', '/', '/docs/json', '/events']) {
      const res = await f.app.inject({ url });
      assert.equal(res.statusCode, 401, url);
      assert.match(res.json<{ message: string }>().message, /YTWATCH_API_TOKEN/);
    }
    assert.equal((await f.app.inject({ url: '/videos', headers: { authorization: 'Bearer wrong' } })).statusCode, 401);
    assert.equal((await f.app.inject({ url: '/videos', headers: { authorization: 'Bearer s3cret-token' } })).statusCode, 200);
    assert.equal((await f.app.inject({ url: '/videos?access_token=s3cret-token' })).statusCode, 200);
    const metrics = await f.app.inject({ url: '/metrics', headers: { authorization: 'Bearer s3cret-token' } });
    assert.ok(!metrics.body.includes('s3cret-token'));
  } finally {
    await f.close();
  }
});

it('refuses to listen beyond loopback without a token', async () => {
  const s = scratch();
  const log = new SqliteLog({ path: `${s.dataDir}/log.db` });
  try {
    await assert.rejects(
      HistoryApi.start({ log, names: names(), logger: createLogger('silent'), dataDir: s.dataDir, retentionDays: 1, host: '0.0.0.0', port: 0 }),
      /would listen on 0\.0\.0\.0 without a token/,
    );
  } finally {
    await log.close();
    s.cleanup();
  }
});
