/** The embedded (SQLite) pipeline: append and detect throughput, notify throughput, latency. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Alert, VideoSnapshot } from '../src/app/core/events.js';
import type { EventLog, ProduceRecord } from '../src/engine/core/log.js';
import { names, type Names } from '../src/app/core/topics.js';
import { DEFAULT_RULES } from '../src/app/config/schema.js';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import { topicSpecs } from '../src/app/runtime/open-log.js';
import { TelegramSink } from '../src/app/sinks/telegram.js';
import type { Sink } from '../src/app/sinks/sink.js';
import { createDetect } from '../src/app/stages/detect.js';
import { createNotify } from '../src/app/stages/notify.js';
import { drain, type Processor } from '../src/engine/stream/processor.js';
import { readTopic } from '../src/engine/stream/read.js';
import { percentile, withTempDir } from './util.js';

const signal = new AbortController().signal;

export function videoId(i: number): string {
  return `v${String(i).padStart(10, '0')}`;
}

/** `rounds` snapshots of each of `videos` videos; every round changes views, every other likes. */
export function snapshots(videos: number, rounds: number, topic: string, record?: (snap: VideoSnapshot) => ProduceRecord): ProduceRecord[][] {
  const out: ProduceRecord[][] = [];
  for (let r = 0; r < rounds; r++) {
    const batch: ProduceRecord[] = [];
    for (let v = 0; v < videos; v++) {
      const snap: VideoSnapshot = {
        v: 1, type: 'snapshot', videoId: videoId(v), title: `Video ${v}`, channelId: null, channelTitle: null, publishedAt: null,
        views: 1000 + v + r * 97, likes: 10 + Math.floor(r / 2), comments: 5, fetchedAt: Date.now(), pollId: String(r),
      };
      batch.push(record ? record(snap) : { topic, key: snap.videoId, value: JSON.stringify(snap) });
    }
    out.push(batch);
  }
  return out;
}

export interface DetectResult {
  snapshots: number;
  appendPerSec: number;
  detectPerSec: number;
  endToEndPerSec: number;
  changes: number;
  alerts: number;
}

/** Appends `rounds × videos` snapshots (one append per poll-sized batch), then drains detect. */
export async function benchDetect(log: EventLog, nm: Names, videos: number, rounds: number): Promise<DetectResult> {
  const batches = snapshots(videos, rounds, nm.topic('videos'), (snap) => nm.of('videos').record(snap));
  const t0 = performance.now();
  for (const b of batches) await log.produce(b);
  const t1 = performance.now();
  const detect = createDetect({ log, names: nm, rules: DEFAULT_RULES });
  await detect.start();
  const t2 = performance.now();
  await drain(detect as Processor<unknown>, signal);
  const t3 = performance.now();
  await detect.close();
  const total = videos * rounds;
  // Records, not end offsets: on Kafka, transaction markers take offsets too.
  const count = async (t: string) => (await readTopic(log, t)).length;
  return {
    snapshots: total,
    appendPerSec: Math.round(total / ((t1 - t0) / 1000)),
    detectPerSec: Math.round(total / ((t3 - t2) / 1000)),
    endToEndPerSec: Math.round(total / ((t1 - t0 + t3 - t2) / 1000)),
    changes: await count(nm.topic('changes')),
    alerts: await count(nm.topic('outbox')),
  };
}

/** `topicNames` picks the value format (default JSON; `bench/formats.ts` passes Avro serdes). */
export async function benchEmbeddedDetect(videos: number, rounds: number, topicNames: (dir: string) => Promise<Names> = async () => names()): Promise<DetectResult> {
  return withTempDir(async (dir) => {
    const log = new SqliteLog({ path: join(dir, 'log.db') });
    const nm = await topicNames(dir);
    await log.ensureTopics(topicSpecs(nm, 1));
    try {
      return await benchDetect(log, nm, videos, rounds);
    } finally {
      await log.close();
    }
  });
}

function alert(i: number): Alert {
  return { v: 1, id: `bench-${i}`, videoId: videoId(i % 1000), title: `Video ${i} & friends`, kind: 'change', metric: 'likes', previous: i, current: i + 1, rules: ['any'], at: Date.now() };
}

/** The Telegram fake in a child process; resolves with its URL and a stop function. */
async function externalTelegram(): Promise<{ url: string; token: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'telegram-child.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const { url, token } = JSON.parse(line.toString()) as { url: string; token: string };
  return {
    url,
    token,
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Alerts per second through notify → the Telegram fake (its own process), pacing off. */
export async function benchNotify(alerts: number, group: boolean): Promise<{ alerts: number; messages: number; alertsPerSec: number }> {
  return withTempDir(async (dir) => {
    const tg = await externalTelegram();
    const log = new SqliteLog({ path: join(dir, 'log.db') });
    const nm = names();
    await log.ensureTopics(topicSpecs(nm, 1));
    try {
      await log.produce(Array.from({ length: alerts }, (_, i) => ({ topic: nm.topic('outbox'), key: alert(i).videoId, value: JSON.stringify(alert(i)) })));
      let messages = 0;
      const telegram = new TelegramSink({ token: tg.token, chatId: '42', apiRoot: tg.url, paceMs: 0, group });
      const counted: Sink = {
        name: telegram.name,
        deliver: (items, sig, onSent) =>
          telegram.deliver(items, sig, async (sent) => {
            messages++;
            await onSent?.(sent);
          }),
      };
      const { processor, counters } = createNotify({ log, names: nm, sinks: [counted] });
      await processor.start();
      const t0 = performance.now();
      await drain(processor as Processor<unknown>, signal);
      const secs = (performance.now() - t0) / 1000;
      await processor.close();
      if (counters.delivered !== alerts) throw new Error(`delivered ${counters.delivered} of ${alerts}`);
      return { alerts, messages, alertsPerSec: Math.round(alerts / secs) };
    } finally {
      await log.close();
      await tg.stop();
    }
  });
}

/**
 * Latency from a snapshot appended to `sendMessage` received at the fake, with detect and notify
 * consuming continuously and pacing off. One change at a time.
 */
export async function benchLatency(log: EventLog, nm: Names, samples: number): Promise<{ samples: number; p50Ms: number; p99Ms: number }> {
  const tg = await FakeTelegram.start();
  const stop = new AbortController();
  const detect = createDetect({ log, names: nm, rules: { likes: { any: true } } });
  const { processor: notify } = createNotify({ log, names: nm, sinks: [new TelegramSink({ token: tg.token, chatId: '42', apiRoot: tg.url, paceMs: 0 })], maxBatch: 20 });
  await detect.start();
  await notify.start();
  const loop = async (p: Processor<unknown>) => {
    while (!stop.signal.aborted) await p.step(stop.signal, 100).catch(() => 0);
  };
  const loops = [loop(detect as Processor<unknown>), loop(notify as Processor<unknown>)];
  const topic = nm.topic('videos');
  const snap = (likes: number): ProduceRecord => ({
    topic, key: 'latencyvid1',
    value: JSON.stringify({ v: 1, type: 'snapshot', videoId: 'latencyvid1', title: 'Latency', channelId: null, channelTitle: null, publishedAt: null, views: 1, likes, comments: 1, fetchedAt: Date.now(), pollId: 'l' } satisfies VideoSnapshot),
  });
  const lat: number[] = [];
  try {
    await log.produce([snap(0)]);
    for (let i = 1; i <= samples + 10; i++) {
      const t0 = Date.now();
      await log.produce([snap(i)]);
      const msgs = await tg.waitForMessages(i, 30_000);
      if (i > 10) lat.push(msgs[i - 1]!.at - t0);
    }
  } finally {
    stop.abort();
    await Promise.all(loops);
    await detect.close();
    await notify.close();
    await tg.close();
  }
  return { samples, p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99) };
}

export async function benchEmbeddedLatency(samples: number) {
  return withTempDir(async (dir) => {
    const log = new SqliteLog({ path: join(dir, 'log.db') });
    const nm = names();
    await log.ensureTopics(topicSpecs(nm, 1));
    try {
      return await benchLatency(log, nm, samples);
    } finally {
      await log.close();
    }
  });
}
