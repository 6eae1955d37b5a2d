// Peak RSS of the detect stage tracking N videos: run in its own process, on the built code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLog } from '../dist/engine/log/sqlite/sqlite-log.js';
import { names } from '../dist/app/core/topics.js';
import { topicSpecs } from '../dist/app/runtime/open-log.js';
import { createDetect } from '../dist/app/stages/detect.js';
import { drain } from '../dist/engine/stream/processor.js';
import { DEFAULT_RULES } from '../dist/app/config/schema.js';

const n = Number(process.argv[2] ?? 100000);
const dir = mkdtempSync(join(tmpdir(), 'ytwatch-rss-'));
const log = new SqliteLog({ path: join(dir, 'log.db') });
const nm = names();
await log.ensureTopics(topicSpecs(nm, 1));
const topic = nm.topic('videos');
for (let round = 0; round < 2; round++) {
  for (let start = 0; start < n; start += 5000) {
    const batch = [];
    for (let i = start; i < Math.min(n, start + 5000); i++) {
      const videoId = `v${String(i).padStart(10, '0')}`;
      batch.push({ topic, key: videoId, value: JSON.stringify({ v: 1, type: 'snapshot', videoId, title: `A typical video title number ${i}`, channelId: 'UCxxxxxxxxxxxxxxxxxxxxxx', channelTitle: 'Channel', publishedAt: '2024-01-01T00:00:00Z', views: 1000 + i + round, likes: 10, comments: 1, fetchedAt: Date.now(), pollId: String(round) }) });
    }
    await log.produce(batch);
  }
}
const detect = createDetect({ log, names: nm, rules: DEFAULT_RULES });
await detect.start();
await drain(detect, new AbortController().signal);
await detect.close();
await log.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(JSON.stringify({ videos: n, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024)}));
