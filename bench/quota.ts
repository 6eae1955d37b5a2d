/**
 * Quota units per poll, measured at the YouTube fake (feeds from the feed fake), beside the design
 * without feeds (2·⌈N/50⌉), the seeds' pattern, and the limit ⌈N/50⌉ (+1 for playlists).
 */
import { join } from 'node:path';
import { names } from '../src/app/core/topics.js';
import { FakeFeeds } from '../src/app/fakes/feeds.js';
import { FakeYouTube } from '../src/app/fakes/youtube.js';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import { topicSpecs } from '../src/app/runtime/open-log.js';
import { autoInterval, FetchStage } from '../src/app/stages/fetch.js';
import { YouTubeClient } from '../src/app/youtube/client.js';
import { FetchStore } from '../src/app/youtube/fetch-store.js';
import { FeedClient } from '../src/app/youtube/feeds.js';
import { MembershipStore } from '../src/app/youtube/membership-store.js';
import type { Target } from '../src/app/youtube/targets.js';
import { withTempDir } from './util.js';

export interface QuotaRow {
  videos: number;
  source: 'playlist' | 'channel';
  /** The first poll: full listing (the baseline) plus statistics. */
  firstPollUnits: number;
  /** A poll between full listings: membership from the feed. */
  unitsPerPoll: number;
  membershipUnits: number;
  statisticsUnits: number;
  /** ⌈N/50⌉, plus 1 for a playlist. */
  limit: number;
  /** Every poll listing in full (before feeds): 2·⌈N/50⌉. */
  withoutFeedsUnits: number;
  /** One full listing a day (the default `youtube.fullListingEvery`). */
  fullListingUnitsPerDay: number;
  seedsUnits: number;
  seedsOverYtwatch: number;
  /** `--interval auto` on 10,000 units a day, the daily full listing set aside. */
  shortestIntervalSec: number;
}

const CHANNEL = 'UCbenchChannel0000000001';
const UPLOADS = 'UUbenchChannel0000000001';
const PLAYLIST = 'PLbenchPlaylist000000001';

export async function benchQuota(sizes: number[]): Promise<QuotaRow[]> {
  const rows: QuotaRow[] = [];
  for (const n of sizes) {
    for (const source of ['playlist', 'channel'] as const) {
      rows.push(await withTempDir(async (dir) => {
        const yt = await FakeYouTube.start();
        const feeds = await FakeFeeds.start(yt);
        const store = new FetchStore(join(dir, 'fetch.db'));
        const members = new MembershipStore(join(dir, 'fetch.db'));
        const log = new SqliteLog({ path: join(dir, 'log.db') });
        try {
          const nm = names();
          await log.ensureTopics(topicSpecs(nm, 1));
          const ids = yt.addVideos(n).map((v) => v.id);
          yt.addPlaylist(UPLOADS, ids);
          yt.addPlaylist(PLAYLIST, ids);
          yt.addChannel(CHANNEL, UPLOADS);
          const target: Target = source === 'playlist' ? { kind: 'playlist', id: PLAYLIST } : { kind: 'channel', id: CHANNEL };
          const client = new YouTubeClient({ apiKey: yt.apiKey, apiRoot: yt.url, onUnits: (u) => store.addUnits(Date.now(), u) });
          const fetch = new FetchStage({ log, names: nm, client, store, targets: [target], membership: { store: members, feeds: new FeedClient({ root: feeds.url }) } });
          await fetch.poll();
          const first = yt.unitsUsed;
          yt.resetUnits();
          const poll = await fetch.poll();
          const units = yt.unitsUsed;
          const seeds = n + Math.ceil(n / 5);
          return {
            videos: n,
            source,
            firstPollUnits: first,
            unitsPerPoll: units,
            membershipUnits: poll.membershipUnits,
            statisticsUnits: poll.statisticsUnits,
            limit: Math.ceil(n / 50) + (source === 'playlist' ? 1 : 0),
            withoutFeedsUnits: 2 * Math.ceil(n / 50),
            fullListingUnitsPerDay: poll.listingUnitsPerDay,
            seedsUnits: seeds,
            seedsOverYtwatch: Number((seeds / units).toFixed(1)),
            shortestIntervalSec: autoInterval(poll.steadyUnits, 10_000 - poll.listingUnitsPerDay),
          };
        } finally {
          store.close();
          members.close();
          await log.close();
          await feeds.close();
          await yt.close();
        }
      }));
    }
  }
  return rows;
}
