/**
 * `npm run bench [-- --quick]`: quota, embedded and Kafka throughput, latency, history query —
 * against the project's fakes on loopback and the real broker. Prints a table, writes
 * bench/results.json and BENCHMARKS.md. Medians of several runs; nothing here is asserted.
 * `-- --quota-only` measures the quota alone (seconds, no Kafka) and updates that section.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ensureKafka } from '../test/helpers/kafka.js';
import { deleteMadeSince, listTopics } from '../scripts/kafka-topics.js';
import { benchEmbeddedDetect, benchEmbeddedLatency, benchNotify } from './embedded.js';
import { benchKafkaDetect, benchKafkaLatency } from './kafka.js';
import { benchKStreams } from './kstreams.js';
import { benchActivity } from './activity.js';
import { benchQuota } from './quota.js';
import { benchHistory } from './history.js';
import { median } from './util.js';
import { renderMarkdown } from './report.js';

const quick = process.argv.includes('--quick');
const ROOT = join(import.meta.dirname, '..');
const RUNS = quick ? 1 : 3;
/** Names of the topics the Kafka benchmarks make (bench/kafka.ts, kstreams.ts, activity.ts; Kafka Streams' internal ones too). */
const BENCH_TOPICS = /^(bench-|ksb\d|act\d)/;
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

async function medianOf<T extends object>(runs: number, fn: () => Promise<T>, key: keyof T): Promise<T & { runs: number[] }> {
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await fn());
  const values = results.map((r) => r[key] as number);
  const mid = median(values);
  const pick = results.find((r) => (r[key] as number) === mid) ?? results[0]!;
  return { ...pick, runs: values };
}

function peakRss(videos: number): { videos: number; peakRssMb: number } {
  const res = spawnSync(process.execPath, [join(ROOT, 'bench/rss-child.mjs'), String(videos)], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`rss child failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as { videos: number; peakRssMb: number };
}

async function main(): Promise<void> {
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
  const started = Date.now();

  log('quota');
  const quota = await benchQuota([5, 50, 120, 1000, 5000]);
  if (process.argv.includes('--quota-only')) {
    const previous = JSON.parse(readFileSync(join(ROOT, 'bench/results.json'), 'utf8')) as Record<string, unknown>;
    const results = { ...previous, quota, quotaMeasuredAt: new Date().toISOString() };
    writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(ROOT, 'BENCHMARKS.md'), renderMarkdown(results));
    process.stdout.write(renderMarkdown({ ...results }).split('\n## Throughput')[0]!);
    return;
  }

  log('embedded');
  const videos = quick ? 2_000 : 10_000;
  const rounds = 10;
  const detect = await medianOf(RUNS, () => benchEmbeddedDetect(videos, rounds), 'detectPerSec');
  const notify = await medianOf(RUNS, () => benchNotify(quick ? 1000 : 5000, false), 'alertsPerSec');
  const notifyGrouped = await medianOf(RUNS, () => benchNotify(quick ? 1000 : 5000, true), 'alertsPerSec');
  const rss = peakRss(100_000);
  const embedded = { detect, notify, notifyGrouped, rss };

  log('latency (embedded)');
  const samples = quick ? 100 : 300;
  const latencyEmbedded = await benchEmbeddedLatency(samples);

  log('kafka');
  const brokers = await ensureKafka();
  const partitions = 6;
  const before = new Set(await listTopics(brokers));
  let kafkaDetect, kstreams, activity, latencyKafka;
  try {
    kafkaDetect = await medianOf(RUNS, () => benchKafkaDetect(brokers, quick ? 2_000 : 10_000, rounds, partitions), 'detectPerSec');
    log('kafka detect beside Kafka Streams');
    kstreams = await benchKStreams(brokers, 10_000, quick ? 10 : 50, partitions, RUNS);
    log('user-activity example beside a plain consumer loop');
    activity = await benchActivity(brokers, quick ? 20_000 : 200_000, 1_000, RUNS);
    log('latency (kafka)');
    latencyKafka = await benchKafkaLatency(brokers, quick ? 50 : 200);
  } finally {
    // A run writes GBs (the 500k input, each job's outputs and changelogs): leave none of it on the broker.
    log(`deleted the ${await deleteMadeSince(brokers, before, (t) => BENCH_TOPICS.test(t))} topics this run made`);
  }

  log('history');
  const history = await benchHistory(quick ? 3 : 5);

  const results = {
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, date: new Date().toISOString(), quick },
    quota,
    embedded,
    kafka: { brokers, detect: { ...kafkaDetect, kstreams } },
    latency: { embedded: latencyEmbedded, kafka: latencyKafka },
    history,
    activity,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const md = renderMarkdown(results);
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), md);
  process.stdout.write(md);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
