/**
 * The API and dashboard tests' world: the real pipeline (fetch → embedded log → detect) polling the
 * YouTube fake, the history stage on the same log filling a SQLite history store, and the API on top.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { EnvSchema, FileConfigSchema } from '../src/app/config/schema.js';
import { FakeYouTube, type FakeVideo } from '../src/app/fakes/youtube.js';
import { openHistoryDb } from '../src/app/history/db.js';
import { HistoryService } from '../src/app/stages/history.js';
import { HistoryStore } from '../src/app/history/store.js';
import { FeedHub } from '../src/app/api/live.js';
import { buildApi } from '../src/app/api/server.js';
import { createLogger } from '../src/app/runtime/logger.js';
import { Pipeline } from '../src/app/runtime/pipeline.js';
import { parsePlaylist } from '../src/app/youtube/targets.js';
import type { SseLimits } from '../src/app/api/sse.js';
import type { Sink } from '../src/app/sinks/sink.js';

export interface Fixture {
  yt: FakeYouTube;
  videos: FakeVideo[];
  pipeline: Pipeline;
  store: HistoryStore;
  history: HistoryService;
  hub: FeedHub;
  app: FastifyInstance;
  /** One poll of the pipeline, then the history stage drained: the store holds its results. */
  poll(): Promise<void>;
  close(): Promise<void>;
}

/** `sinks`: also run notify with these sinks (default: fetch and detect only). */
export async function startFixture(options: { demo?: boolean; heartbeatMs?: number; token?: string; sse?: SseLimits; sinks?: Sink[] } = {}): Promise<Fixture> {
  const yt = await FakeYouTube.start();
  let videos: FakeVideo[];
  let playlist = 'PLapiFixture';
  if (options.demo) {
    const demo = FakeYouTube.demoData(yt);
    videos = demo.videos;
    playlist = demo.playlistId;
  } else {
    videos = yt.addVideos(3);
    yt.addPlaylist(playlist, videos.map((v) => v.id));
  }
  const dir = mkdtempSync(join(tmpdir(), 'ytwatch-api-'));
  const env = EnvSchema.parse({ YOUTUBE_API_KEY: yt.apiKey, YOUTUBE_API_ROOT: yt.url, YTWATCH_DATA_DIR: join(dir, 'data') });
  const logger = createLogger('silent');
  const sinks = options.sinks ?? [];
  const pipeline = await Pipeline.open({ env, config: FileConfigSchema.parse({}), targets: [parsePlaylist(playlist)], sinks, logger, stages: sinks.length > 0 ? ['fetch', 'detect', 'notify'] : ['fetch', 'detect'] });
  const store = new HistoryStore(await openHistoryDb({ dataDir: env.YTWATCH_DATA_DIR }));
  const hub = new FeedHub();
  const history = new HistoryService({ log: pipeline.log, names: pipeline.names, store, logger, onFeed: (e) => hub.publish(e), onDelivery: (d) => hub.publish({ kind: 'delivery', id: d.alertId, videoId: d.videoId, delivery: d.delivery }) });
  await history.start();
  const app = await buildApi({ store, log: pipeline.log, names: pipeline.names, hub, logger, counters: history.counters, heartbeatMs: options.heartbeatMs, token: options.token, sse: options.sse, subscriptions: pipeline.subscriptions() });
  const signal = new AbortController().signal;
  return {
    yt, videos, pipeline, store, history, hub, app,
    async poll() {
      await pipeline.once(signal);
      await history.drain(signal);
    },
    async close() {
      await app.close();
      await history.close();
      await store.close();
      await pipeline.close();
      await yt.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
