/**
 * The REST API over a history store filled by the real pipeline: two polls of the YouTube fake with
 * a change in between, then every endpoint through Fastify's `inject`, and `/events` over real HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFixture, type Fixture } from './api.fixture.js';
import { sseText } from './helpers/sse.js';

describe('REST API after two polls with a change', () => {
  let f: Fixture;
  const get = (url: string) => f.app.inject({ method: 'GET', url });

  before(async () => {
    f = await startFixture();
    await f.poll();
    f.yt.videos.get('vid00000001')!.likes! += 5;
    f.yt.videos.get('vid00000001')!.views += 250;
    await f.poll();
  });
  after(async () => {
    await f?.close();
  });

  it('GET /health: store and log answer', async () => {
    const res = await get('/health');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok', store: { ok: true, kind: 'sqlite' }, log: { ok: true, kind: 'sqlite' } });
  });

  it('GET /videos lists every watched video with stats and deltas, sorted and paged', async () => {
    const res = await get('/videos');
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.total, 3);
    assert.deepEqual(body.videos.map((v: { id: string }) => v.id), ['vid00000003', 'vid00000002', 'vid00000001']);
    const v1 = body.videos[2];
    assert.deepEqual(v1.stats, { views: 1250, likes: 15, comments: 1 });
    assert.equal(v1.deltas['1h'].views, 250);
    assert.equal(v1.deltas['24h'].likes, 5);
    assert.equal(v1.url, 'https://www.youtube.com/watch?v=vid00000001');
    const sorted = (await get('/videos?sort=views_1h&limit=1')).json();
    assert.deepEqual([sorted.total, sorted.limit, sorted.videos.map((v: { id: string }) => v.id)], [3, 1, ['vid00000001']]);
    assert.equal((await get('/videos?sort=nonsense')).statusCode, 400);
    assert.equal((await get('/videos?limit=0')).statusCode, 400);
  });

  it('GET /videos/:id: one video; 404 JSON when unknown; 400 when not a video id', async () => {
    const ok = await get('/videos/vid00000002');
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().title, 'Test video 2');
    const missing = await get('/videos/zzzzzzzzzzz');
    assert.equal(missing.statusCode, 404);
    assert.match(missing.headers['content-type'] as string, /application\/json/);
    assert.deepEqual(missing.json(), { statusCode: 404, error: 'Not Found', message: 'unknown video zzzzzzzzzzz' });
    for (const bad of ['short', "vid0000000'", 'vid00000001x', '%27%3B%20drop']) {
      const res = await get(`/videos/${bad}`);
      assert.equal(res.statusCode, 400, bad);
      assert.equal(res.json().error, 'Bad Request');
    }
  });

  it('GET /videos/:id/history: both polls of the changed video, downsampling, bad parameters', async () => {
    const res = await get('/videos/vid00000001/history');
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.ok(body.points.length >= 2, JSON.stringify(body));
    assert.deepEqual(body.points.map((p: { likes: number }) => p.likes), [10, 15]);
    assert.equal(body.step, null);
    const from = new Date(body.points[0].t - 1000).toISOString();
    const bucketed = (await get(`/videos/vid00000001/history?from=${from}&to=${Math.floor(Date.now() / 1000) + 5}&step=1h`)).json();
    assert.equal(bucketed.step, 3_600_000);
    assert.equal(bucketed.points.length, 1, 'both polls fall in one bucket: the last one is kept');
    assert.equal(bucketed.points[0].likes, 15);
    const cases: Array<[string, RegExp]> = [
      ['from=yesterday', /from: expected an ISO-8601/],
      ['from=2025-13-45T99:00:00Z', /from: expected/],
      ['to=12abc', /to: expected/],
      ['step=0', /step: expected a positive duration/],
      ['step=5parsecs', /step/],
      ['from=2025-01-02&to=2025-01-01', /from must not be after to/],
      ['from=0&to=2025-01-01&step=1ms', /step is too small/],
      ['limit=-1', /limit/],
    ];
    for (const [q, message] of cases) {
      const bad = await get(`/videos/vid00000001/history?${q}`);
      assert.equal(bad.statusCode, 400, q);
      assert.match(bad.json().message, message, q);
    }
    assert.equal((await get('/videos/zzzzzzzzzzz/history')).statusCode, 404);
  });

  it('GET /changes: the change and its alerts, newest first', async () => {
    const res = await get('/changes');
    assert.equal(res.statusCode, 200);
    const items = res.json().items as Array<{ kind: string; videoId: string; change?: { likes_current: number }; alert?: { metric: string; rules: string[] } }>;
    assert.ok(items.length >= 2);
    assert.ok(items.every((i) => i.videoId === 'vid00000001'));
    assert.equal(items.find((i) => i.kind === 'change')?.change?.likes_current, 15);
    assert.deepEqual(items.filter((i) => i.kind === 'alert').map((i) => i.alert?.metric).sort(), ['likes', 'views']);
    assert.equal((await get('/changes?kind=alert&limit=1')).json().items.length, 1);
    assert.equal((await get('/changes?before=garbage')).statusCode, 400);
  });

  it('GET /metrics: Prometheus text without secrets', async () => {
    const res = await get('/metrics');
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
    assert.match(res.body, /^ytwatch_history_snapshots_stored_total 6$/m);
    assert.match(res.body, /^ytwatch_history_changes_stored_total 1$/m);
    assert.match(res.body, /^ytwatch_history_alerts_stored_total 2$/m);
    assert.match(res.body, /^ytwatch_consumer_lag\{group="ytwatch-history",topic="youtube_videos"\} 0$/m);
    assert.match(res.body, /^ytwatch_consumer_lag\{group="ytwatch-notify",topic="telegram_outbox"\} 2$/m);
    assert.match(res.body, /^ytwatch_videos_watched 3$/m);
    assert.doesNotMatch(res.body, new RegExp(f.yt.apiKey));
  });

  it('GET / serves the dashboard and uPlot from node_modules; /docs serves the OpenAPI UI', async () => {
    const page = await get('/');
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /^text\/html/);
    assert.match(page.body, /<title>ytwatch<\/title>/);
    assert.match(page.headers['content-security-policy'] as string, /default-src 'self'/);
    assert.doesNotMatch(page.body, /https?:\/\//, 'nothing from a CDN');
    const uplot = await get('/vendor/uplot.js');
    assert.equal(uplot.statusCode, 200);
    assert.match(uplot.body, /uPlot/);
    const docs = await get('/docs/');
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /swagger-ui/);
    const spec = (await get('/docs/json')).json();
    assert.equal(spec.openapi, '3.1.0');
    assert.deepEqual(Object.keys(spec.paths).sort(), ['/changes', '/events', '/health', '/metrics', '/status', '/subscriptions', '/subscriptions/{id}', '/videos', '/videos/{id}', '/videos/{id}/history']);
    assert.equal(spec.paths['/videos/{id}'].get.parameters[0].schema.pattern, '^[A-Za-z0-9_-]{11}$');
    assert.equal((await get('/nope')).statusCode, 404);
  });

  it('GET /events streams a change as it is stored', async () => {
    const url = await f.app.listen({ host: '127.0.0.1', port: 0 });
    const ac = new AbortController();
    const res = await fetch(`${url}/events`, { signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
    const sse = sseText(res.body!);
    await sse.until(/: connected/);
    f.yt.videos.get('vid00000002')!.comments! += 3;
    await f.poll();
    await sse.until(/event: change\ndata: .*\n\n/);
    const line = /event: change\ndata: (.*)\n/.exec(sse.text())![1]!;
    const entry = JSON.parse(line);
    assert.equal(entry.videoId, 'vid00000002');
    assert.equal(entry.change.comments_current, 5);
    ac.abort();
    await sse.cancel();
  });
});
