/**
 * Seed 004's job: `examples/user-activity` (exactly once, a table emitting the latest summary per
 * user per commit) beside a plain at-least-once consumer loop on the same Kafka client library (the
 * seed consumer's design: consume, update a map, produce, commit offsets after delivery), over one
 * input topic; and the example's peak RSS at two input sizes (embedded, streaming a JSON-lines file).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { activityTopics, createAggregator } from '../examples/user-activity/aggregator.js';
import { createEventLog } from '../src/engine/log/create.js';
import { loadNative, call, type NativeMessage } from '../src/engine/log/kafka/native.js';
import { consumeSome } from '../src/engine/log/kafka/reader.js';
import { drain, type Processor } from '../src/engine/stream/processor.js';
import { readTopic } from '../src/engine/stream/read.js';
import { median, runJsonChild, withTempDir } from './util.js';

const ROOT = join(import.meta.dirname, '..');
const PARTITIONS = 3;

/** `n` events over `users` users, as the seed's generator writes them (timestamps shuffled). */
export function activityEvents(n: number, users: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const userId = `j${String(10_000_000 + (i % users))}`;
    const ts = 1_534_380_000 + ((i * 7919) % 100_000);
    out.push(JSON.stringify({ userId, visitorId: 'jas8v12345', type: 'Event', metadata: { messageId: `m${i}`, sentAt: ts, timestamp: ts, receivedAt: 0, apiKey: 'apiKey1', spaceId: 'space1', version: 'v1' }, event: 'Played Movie', eventData: { MovieID: 'MIM4ddd4' } }));
  }
  return out;
}

interface Run {
  eventsPerSec: number;
  outputs: number;
}

/** The plain loop: at least once, state only in memory, latest summary per user per batch. */
export async function baseline(brokers: string, input: string, output: string, total: number): Promise<Run> {
  const native = await loadNative();
  const consumer = new native.KafkaConsumer({ 'bootstrap.servers': brokers, 'group.id': `${output}-plain`, 'enable.auto.commit': false, 'auto.offset.reset': 'earliest' });
  const producer = new native.Producer({ 'bootstrap.servers': brokers, 'linger.ms': 5, dr_cb: true });
  // Timed from before connecting, as the example is timed from before `start` (which connects).
  const t0 = performance.now();
  await call((cb) => consumer.connect({}, cb));
  await call((cb) => producer.connect({}, cb));
  producer.setPollInBackground(true);
  let delivered = 0;
  let waiting: (() => void) | undefined;
  producer.on('delivery-report', (err) => {
    if (err) throw err;
    delivered++;
    waiting?.();
  });
  consumer.subscribe([input]);
  const state = new Map<string, { userId: string; firstSeen: number; lastSeen: number }>();
  let seen = 0;
  let produced = 0;
  while (seen < total) {
    const messages: NativeMessage[] = await consumeSome(consumer, 5000, 200);
    if (messages.length === 0) continue;
    const changed = new Set<string>();
    for (const m of messages) {
      seen++;
      let ev: { userId?: unknown; metadata?: { timestamp?: unknown } };
      try {
        ev = JSON.parse(m.value!.toString()) as typeof ev;
      } catch {
        continue;
      }
      const ts = ev.metadata?.timestamp;
      if (typeof ev.userId !== 'string' || typeof ts !== 'number') continue;
      const cur = state.get(ev.userId);
      if (cur && ts >= cur.firstSeen && ts <= cur.lastSeen) continue;
      state.set(ev.userId, cur ? { userId: ev.userId, firstSeen: Math.min(cur.firstSeen, ts), lastSeen: Math.max(cur.lastSeen, ts) } : { userId: ev.userId, firstSeen: ts, lastSeen: ts });
      changed.add(ev.userId);
    }
    for (const u of changed) producer.produce(output, -1, Buffer.from(JSON.stringify(state.get(u))), u, null, null);
    produced += changed.size;
    while (delivered < produced) await new Promise<void>((r) => (waiting = r));
    const last = new Map<number, number>();
    for (const m of messages) last.set(m.partition, m.offset + 1);
    (consumer as unknown as { commitSync(tps: unknown): void }).commitSync([...last].map(([partition, offset]) => ({ topic: input, partition, offset })));
  }
  const secs = (performance.now() - t0) / 1000;
  await call((cb) => producer.disconnect(cb));
  await call((cb) => consumer.disconnect(cb));
  return { eventsPerSec: Math.round(total / secs), outputs: produced };
}

export async function example(brokers: string, input: string, prefix: string, total: number): Promise<Run> {
  return withTempDir(async (dir) => {
    const log = await createEventLog({ dataDir: dir, kafkaBrokers: brokers, partitions: PARTITIONS, clientId: 'ytwatch-bench' });
    try {
      const topics = { ...activityTopics(prefix), input };
      const aggregator = await createAggregator(log, topics, `${prefix}user-activity`, PARTITIONS);
      const t0 = performance.now();
      await aggregator.start();
      await drain(aggregator as Processor<unknown>, new AbortController().signal);
      const secs = (performance.now() - t0) / 1000;
      await aggregator.close();
      return { eventsPerSec: Math.round(total / secs), outputs: (await readTopic(log, topics.output)).length };
    } finally {
      await log.close();
    }
  });
}

/**
 * One run in a process of its own (bench/activity-worker.ts), as bench/kstreams.ts runs each job, so
 * that no run inherits the heap or the compiled code of the bench's earlier sections.
 */
function ownProcess(mode: 'plain' | 'example', brokers: string, input: string, target: string, events: number): Promise<Run> {
  return runJsonChild<Run>(join(ROOT, 'bench/activity-worker.ts'), [mode, brokers, input, target, String(events)]);
}

/** Peak RSS (MB) of `npm run example:activity -- --input FILE` on the embedded log, the file holding `copies` × `events`. */
function exampleRss(events: string[], copies: number): number {
  return withTempDirSync((dir) => {
    const file = join(dir, 'events.jsonl');
    const text = events.join('\n') + '\n';
    writeFileSync(file, '');
    for (let i = 0; i < copies; i++) appendFileSync(file, text);
    const res = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '--import', 'tsx', join(ROOT, 'examples/user-activity/main.ts'), '--input', file, '--data-dir', join(dir, 'data')], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    if (res.status !== 0) throw new Error(`example failed: ${res.stderr.slice(-1000)}`);
    return Math.round(Number(res.stderr.trim().split('\n').pop()) / 1024);
  });
}

function withTempDirSync<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'ytwatch-bench-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchActivity(brokers: string, events: number, users: number, runs: number) {
  const lines = activityEvents(events, users);
  const tag = `act${Date.now()}-`;
  const input = `${tag}input_topic`;
  const plainOutput = (i: number) => `${tag}plain${i}-output_topic`;
  await withTempDir(async (dir) => {
    const log = await createEventLog({ dataDir: dir, kafkaBrokers: brokers, partitions: PARTITIONS, clientId: 'ytwatch-bench' });
    try {
      await log.ensureTopics([input, ...Array.from({ length: runs }, (_, i) => plainOutput(i))].map((name) => ({ name, partitions: PARTITIONS })));
      for (let i = 0; i < lines.length; i += 5000) {
        await log.produce(lines.slice(i, i + 5000).map((l, j) => ({ topic: input, key: `j${String(10_000_000 + ((i + j) % users))}`, value: l })));
      }
    } finally {
      await log.close();
    }
  });
  const ex: Run[] = [];
  const plain: Run[] = [];
  for (let i = 0; i < runs; i++) {
    plain.push(await ownProcess('plain', brokers, input, plainOutput(i), events));
    ex.push(await ownProcess('example', brokers, input, `${tag}ex${i}-`, events));
  }
  const exPerSec = median(ex.map((r) => r.eventsPerSec));
  const plainPerSec = median(plain.map((r) => r.eventsPerSec));
  // Input sizes 1×, 2× and 4×: memory that grew with the input would show at 4×.
  const copies = [1, 2, 4];
  const rss = copies.map((c) => exampleRss(lines, c));
  return {
    events,
    users,
    kafka: {
      example: { eventsPerSec: exPerSec, runs: ex.map((r) => r.eventsPerSec), outputs: ex[0]!.outputs },
      plainConsumer: { eventsPerSec: plainPerSec, runs: plain.map((r) => r.eventsPerSec), outputs: plain[0]!.outputs },
      ratio: Number((exPerSec / plainPerSec).toFixed(2)),
    },
    peakRssMb: Object.fromEntries(copies.map((c, i) => [c * events, rss[i]!])),
  };
}
