/** Quota units per poll, measured at the YouTube fake, beside the seeds' pattern and the limit. */
import { join } from 'node:path';
import { names } from '../src/app/core/topics.js';
import { FakeYouTube } from '../src/app/fakes/youtube.js';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import { topicSpecs } from '../src/app/runtime/open-log.js';
import { autoInterval, FetchStage } from '../src/app/stages/fetch.js';
import { YouTubeClient } from '../src/app/youtube/client.js';
import { FetchStore } from '../src/app/youtube/fetch-store.js';
import type { Target } from '../src/app/youtube/targets.js';
import { withTempDir } from './util.js';

export interface QuotaRow {
  videos: number;
  source: 'playlist' | 'channel';
  firstPollUnits: number;
  unitsPerPoll: number;
  seedsUnits: number;
  limit: number;
  seedsOverYtwatch: number;
  shortestIntervalSec: number;
}

export async function benchQuota(sizes: number[]): Promise<QuotaRow[]> {
  const rows: QuotaRow[] = [];
  for (const n of sizes) {
    for (const source of ['playlist', 'channel'] as const) {
      rows.push(await withTempDir(async (dir) => {
        const yt = await FakeYouTube.start();
        const store = new FetchStore(join(dir, 'fetch.db'));
        const log = new SqliteLog({ path: join(dir, 'log.db') });
        try {
          const nm = names();
          await log.ensureTopics(topicSpecs(nm, 1));
          const ids = yt.addVideos(n).map((v) => v.id);
          yt.addPlaylist('UUbenchChannel0000000001', ids);
          yt.addChannel('UCbenchChannel0000000001', 'UUbenchChannel0000000001');
          const target: Target = source === 'playlist' ? { kind: 'playlist', id: 'UUbenchChannel0000000001' } : { kind: 'channel', id: 'UCbenchChannel0000000001' };
          const client = new YouTubeClient({ apiKey: yt.apiKey, apiRoot: yt.url });
          const fetch = new FetchStage({ log, names: nm, client, store, targets: [target] });
          await fetch.poll();
          const first = yt.unitsUsed;
          yt.resetUnits();
          await fetch.poll();
          const units = yt.unitsUsed;
          const seeds = n + Math.ceil(n / 5);
          return {
            videos: n,
            source,
            firstPollUnits: first,
            unitsPerPoll: units,
            seedsUnits: seeds,
            limit: 2 * Math.ceil(n / 50),
            seedsOverYtwatch: Number((seeds / units).toFixed(1)),
            shortestIntervalSec: autoInterval(units, 10_000),
          };
        } finally {
          store.close();
          await log.close();
          await yt.close();
        }
      }));
    }
  }
  return rows;
}
