/**
 * `npm run bench:formats`: JSON vs Avro (Confluent wire format, schemas in a registry file) —
 * bytes per record of each data topic, encode and decode+validate throughput, and the embedded
 * detect stage end to end in each format. Prints JSON; nothing is asserted. Only this part runs.
 */
import { join } from 'node:path';
import type { Alert, VideoChange, VideoSnapshot } from '../src/app/core/events.js';
import { avroSerdes } from '../src/app/core/avro.js';
import { names, type Names } from '../src/app/core/topics.js';
import { fileRegistry } from '../src/engine/avro/local.js';
import { benchEmbeddedDetect } from './embedded.js';
import { median, round } from './util.js';

const N = 50_000;
const RUNS = 3;

async function avroNames(dir: string): Promise<Names> {
  const { serdes, all } = avroSerdes(fileRegistry(join(dir, 'schemas.json')), (t) => names().topic(t));
  for (const s of all) await s.register();
  return names('', serdes);
}

const samples = {
  videos: (i: number): VideoSnapshot => ({ v: 1, type: 'snapshot', videoId: `vid${String(i).padStart(8, '0')}`, title: `Test video ${i} — a typical title`, channelId: 'UCuAXFkgsw1L7xaCfnd5JJOw', channelTitle: 'Some Channel', publishedAt: '2024-01-15T16:00:00Z', views: 1_000_000 + i, likes: 10_000 + i, comments: 500 + i, fetchedAt: 1_764_550_000_000 + i, pollId: 'lmq3x1c0' }),
  changes: (i: number): VideoChange => ({ v: 1, videoId: `vid${String(i).padStart(8, '0')}`, title: `Test video ${i} — a typical title`, at: 1_764_550_000_000 + i, views_previous: 1_000_000 + i, views_current: 1_000_200 + i, likes_previous: 10_000, likes_current: 10_001, comments_previous: 500, comments_current: 500, unavailable: false }),
  outbox: (i: number): Alert => ({ v: 1, id: `vid${String(i).padStart(8, '0')}:likes:${1_764_550_000_000 + i}`, videoId: `vid${String(i).padStart(8, '0')}`, title: `Test video ${i} — a typical title`, kind: 'change', metric: 'likes', previous: 10_000, current: 10_001, rules: ['any'], at: 1_764_550_000_000 + i }),
} as const;

function codec(nm: Names, topic: keyof typeof samples) {
  const t = nm.of(topic);
  const values = Array.from({ length: N }, (_, i) => samples[topic](i));
  const enc: number[] = [];
  const dec: number[] = [];
  let bytes = 0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const encoded = values.map((v) => t.record(v as never).value as Uint8Array);
    const t1 = performance.now();
    for (const b of encoded) if (!t.parse(b).ok) throw new Error('bench: a value did not parse back');
    const t2 = performance.now();
    enc.push(N / ((t1 - t0) / 1000));
    dec.push(N / ((t2 - t1) / 1000));
    bytes = encoded.reduce((n, b) => n + b.length, 0) / N;
  }
  return { bytesPerRecord: round(bytes, 1), encodePerSec: Math.round(median(enc)), decodeValidatePerSec: Math.round(median(dec)) };
}

async function main(): Promise<void> {
  const { withTempDir } = await import('./util.js');
  const out: Record<string, unknown> = {};
  await withTempDir(async (dir) => {
    const formats = { json: names(), avro: await avroNames(dir) };
    for (const [format, nm] of Object.entries(formats)) {
      out[format] = Object.fromEntries((Object.keys(samples) as Array<keyof typeof samples>).map((t) => [t, codec(nm, t)]));
    }
  });
  const detect = async (mk?: (dir: string) => Promise<Names>) => {
    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(await benchEmbeddedDetect(5_000, 6, mk));
    return { detectPerSec: median(runs.map((x) => x.detectPerSec)), endToEndPerSec: median(runs.map((x) => x.endToEndPerSec)), changes: runs[0]!.changes, alerts: runs[0]!.alerts };
  };
  out.embeddedDetect = { json: await detect(), avro: await detect(avroNames) };
  console.log(JSON.stringify(out, null, 2));
}

await main();
