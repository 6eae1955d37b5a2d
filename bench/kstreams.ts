/**
 * Kafka detect beside the Kafka Streams peer (`../shared/peers/kstreams-detect`: the detect stage as
 * a Kafka Streams job, exactly_once_v2, byte-identical outputs) on one input topic, alternating runs.
 * The peer is built with Maven once into `~/.cache/ytwatch/kstreams-detect` (rebuilt when its
 * sources change); outputs of both jobs are counted and digested by the peer's `count` mode.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { names, type Names } from '../src/app/core/topics.js';
import { DEFAULT_RULES } from '../src/app/stages/rules.js';
import { createDetect, detectCounters } from '../src/app/stages/detect.js';
import { createEventLog } from '../src/engine/log/create.js';
import { drain, type Processor } from '../src/engine/stream/processor.js';
import { snapshots } from './embedded.js';
import { median, runJsonChild, withTempDir } from './util.js';

const ROOT = join(import.meta.dirname, '..');
const PEER_SRC = process.env.YTWATCH_KSTREAMS_PEER ?? join(ROOT, '../shared/peers/kstreams-detect');
const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ytwatch', 'kstreams-detect');
const JAR = join(CACHE, 'target', 'kstreams-detect.jar');
const JAVA_OPTS = ['-Xmx512m', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn'];
const signal = new AbortController().signal;

/** Builds the peer (Java 17, Maven) into the cache unless a build of the same sources is there. */
export function buildPeer(): string {
  const stamp = join(CACHE, '.sources');
  const digest = sourceDigest(PEER_SRC);
  if (existsSync(JAR) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return JAR;
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  for (const part of ['pom.xml', 'src']) cpSync(join(PEER_SRC, part), join(CACHE, part), { recursive: true });
  const res = spawnSync('mvn', ['-q', '-B', 'package', '-DskipTests'], { cwd: CACHE, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`building the Kafka Streams peer failed (needs Java 17 and Maven): ${res.stdout}${res.stderr}`);
  writeFileSync(stamp, digest);
  return JAR;
}

function sourceDigest(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(p.slice(dir.length)).update(readFileSync(p));
    }
  };
  h.update(readFileSync(join(dir, 'pom.xml')));
  walk(join(dir, 'src'));
  return h.digest('hex');
}

interface Counted {
  topic: string;
  records: number;
  digest: string;
}

/** Records and an order-independent digest per topic, read_committed (the peer's `count` mode). */
function count(brokers: string, topics: string[]): Counted[] {
  const out = execFileSync('java', [...JAVA_OPTS, '-cp', JAR, 'ytwatch.peer.KStreamsDetect', 'count', '--bootstrap', brokers, '--topics', topics.join(',')], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Counted[];
}

export interface JobRun {
  perSec: number;
  seconds: number;
  cpuS: number;
  /** ytwatch only: seconds its main thread was busy. */
  mainS?: number;
  changes: number;
  alerts: number;
  digests: string;
}

/** One run of the peer over `input`, outputs under `prefix`. */
function runPeer(brokers: string, input: string, prefix: string, n: number, commitMs: number, threads = 1, timeoutS = 600): JobRun {
  const res = spawnSync('java', [...JAVA_OPTS, '-jar', JAR, 'run', '--bootstrap', brokers, '--input', input, '--prefix', prefix, '--threads', String(threads), '--commit-ms', String(commitMs), '--timeout-s', String(timeoutS)], {
    encoding: 'utf8',
  });
  const line = res.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  const lastError = res.stderr.trim().split('\n').filter((l) => !l.includes(' WARN ')).pop() ?? '';
  const r = line ? (JSON.parse(line) as { ok: boolean; startToDoneS: number; cpuMsAtDone: number; processed: number }) : undefined;
  // It exits 1 when it did not finish in time: its line then says how far it got.
  if (r && !r.ok) throw new Error(`kstreams peer (${threads} thread(s)) did not finish within ${timeoutS} s (${r.processed} of ${n} processed)`);
  if (res.status !== 0 || !r) throw new Error(`kstreams peer (${threads} thread(s)) exited ${res.status ?? res.signal}: ${lastError}\n${res.stderr.slice(-2000)}`);
  return { perSec: Math.round(n / r.startToDoneS), seconds: r.startToDoneS, cpuS: r.cpuMsAtDone / 1000, ...outputs(brokers, prefix) };
}

function outputs(brokers: string, prefix: string): Pick<JobRun, 'changes' | 'alerts' | 'digests'> {
  const nm = names(prefix);
  const [changes, alerts] = count(brokers, [nm.topic('changes'), nm.topic('outbox')]);
  return { changes: changes!.records, alerts: alerts!.records, digests: `${changes!.digest}/${alerts!.digest}` };
}

/** One detect worker's run: start and end (epoch ms), CPU and main-thread busy seconds, snapshots in its committed batches. */
export interface WorkerTimes {
  start: number;
  end: number;
  cpuS: number;
  mainS: number;
  snapshots: number;
}

/**
 * One ytwatch detect worker (createDetect + drain, as bench/kafka.ts) over `input`'s videos topic,
 * everything else under `prefix`: its start and end (epoch ms) and its CPU seconds.
 */
export async function detectWorker(brokers: string, input: Names, prefix: string, partitions: number): Promise<WorkerTimes> {
  return withTempDir(async (dir) => {
    const log = await createEventLog({ dataDir: dir, kafkaBrokers: brokers, partitions, clientId: 'ytwatch-bench' });
    try {
      const own = names(prefix);
      const nm: Names = { ...own, topic: (t) => (t === 'videos' ? input.topic(t) : own.topic(t)), of: ((t: 'videos') => (t === 'videos' ? input.of(t) : own.of(t))) as Names['of'] };
      await log.ensureTopics(own.specs(partitions));
      const counters = detectCounters();
      const detect = createDetect({ log, names: nm, rules: DEFAULT_RULES, counters });
      return { ...(await timedDrain(detect as Processor<unknown>)), snapshots: counters.snapshots };
    } finally {
      await log.close();
    }
  });
}

/** Starts `processor`, drains it and closes it: its start and end (epoch ms), CPU and main-thread busy seconds. */
export async function timedDrain(processor: Processor<unknown>): Promise<Omit<WorkerTimes, 'snapshots'>> {
  const c0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const start = Date.now();
  await processor.start();
  await drain(processor, signal);
  const end = Date.now();
  const cpu = process.cpuUsage(c0);
  const mainS = performance.eventLoopUtilization(elu0).active / 1000;
  await processor.close();
  return { start, end, cpuS: (cpu.user + cpu.system) / 1e6, mainS };
}

/**
 * One detect worker in a process of its own (bench/detect-worker.ts), as each of the peer's runs is a
 * JVM of its own. Runs inside the bench's long-lived process lost 6 of 6 alternating pairs to fresh
 * processes, by 7–20%, with no growth in heap or threads between runs.
 */
function workerProcess(brokers: string, input: Names, prefix: string, partitions: number): Promise<WorkerTimes> {
  return runJsonChild<WorkerTimes>(join(import.meta.dirname, 'detect-worker.ts'), [brokers, input.prefix, prefix, String(partitions)]);
}

/** One run of ytwatch's Kafka detect: one worker, in its own process. */
async function runYtwatch(brokers: string, input: Names, prefix: string, n: number, partitions: number): Promise<JobRun> {
  const w = await workerProcess(brokers, input, prefix, partitions);
  if (w.snapshots !== n) throw new Error(`ytwatch's worker committed ${w.snapshots} of ${n} snapshots`);
  const seconds = (w.end - w.start) / 1000;
  return { perSec: Math.round(n / seconds), seconds, cpuS: w.cpuS, mainS: w.mainS, ...outputs(brokers, prefix) };
}

/**
 * The client library alone on the same input, in a process of its own (bench/consume-worker.ts):
 * what reading every record costs a Node.js main thread before any processing, the floor under
 * ytwatch's figure.
 */
function clientConsume(brokers: string, topic: string, partitions: number, n: number): Promise<{ perSec: number; mainUsPerRecord: number }> {
  return runJsonChild(join(import.meta.dirname, 'consume-worker.ts'), [brokers, topic, String(partitions), String(n)]);
}

/**
 * ytwatch's engine with no app work on the same input, in a process of its own
 * (bench/floor-worker.ts): the main-thread time left once parsing, detecting and serialising are gone.
 */
function engineFloor(brokers: string, topic: string, prefix: string, partitions: number, n: number): Promise<{ perSec: number; mainUsPerSnapshot: number }> {
  return runJsonChild(join(import.meta.dirname, 'floor-worker.ts'), [brokers, topic, prefix, String(partitions), String(n)]);
}

/**
 * Two ytwatch workers (processes, one group) against the peer's two stream threads. Their prefixes
 * must not be a single run's (`ks2-`/`yt2-` were the third run's: the peer then found its group done
 * and sat idle, ytwatch's workers committed nothing). ytwatch's side is measured whatever became of
 * the peer's.
 */
async function runTwo(brokers: string, input: Names, tag: string, n: number, partitions: number, commitMs: number) {
  let ks: JobRun | { error: string };
  try {
    ks = runPeer(brokers, input.topic('videos'), `${tag}two-ks-`, n, commitMs, 2, 180);
  } catch (err) {
    ks = { error: (err as Error).message.split('\n')[0]! };
  }
  const prefix = `${tag}two-yt-`;
  const workers = await Promise.all([workerProcess(brokers, input, prefix, partitions), workerProcess(brokers, input, prefix, partitions)]);
  // Each committed batch counts once: together the workers must account for every snapshot.
  const handled = workers[0]!.snapshots + workers[1]!.snapshots;
  if (handled !== n) throw new Error(`ytwatch's two workers committed ${handled} of ${n} snapshots`);
  const seconds = (Math.max(...workers.map((w) => w.end)) - Math.min(...workers.map((w) => w.start))) / 1000;
  const yt: JobRun = { perSec: Math.round(n / seconds), seconds, cpuS: workers[0]!.cpuS + workers[1]!.cpuS, ...outputs(brokers, prefix) };
  process.stderr.write(`bench: two workers: ${workers.map((w) => `${((w.end - w.start) / 1000).toFixed(1)} s (${w.cpuS.toFixed(1)} s CPU)`).join(', ')}, ${seconds.toFixed(1)} s in all\n`);
  return { kstreams: ks, ytwatch: yt, workers };
}

export interface KStreamsComparison {
  snapshots: number;
  partitions: number;
  commitMs: number;
  kstreams: { perSec: number; cpuSPer100k: number; runs: number[] };
  ytwatch: { perSec: number; cpuSPer100k: number; runs: number[]; mainUsPerSnapshot: number };
  /** The client library reading the input with nothing else to do (medians): its rate and main-thread µs per record. */
  client: { perSec: number; mainUsPerRecord: number };
  /** ytwatch's engine with no app work (bench/floor-worker.ts; medians): its rate and main-thread µs per snapshot. */
  floor: { perSec: number; mainUsPerSnapshot: number };
  /** Median ytwatch ÷ median Kafka Streams. */
  ratio: number;
  /** Every run of both jobs wrote the same change and alert records (counts and digests). */
  outputsEqual: boolean;
  changes: number;
  alerts: number;
  /** One run: 2 ytwatch worker processes (one group) vs 2 stream threads (`error`: a side failed; `ytwatchPerSec` when only the peer did). */
  two:
    | { kstreamsPerSec: number; ytwatchPerSec: number; ratio: number; workers: WorkerTimes[] }
    | { error: string; ytwatchPerSec?: number; workers?: WorkerTimes[] };
}

/**
 * Writes `videos × rounds` snapshots once, runs a warm-up of each job, then `runs` alternating runs
 * of the peer (one stream thread) and ytwatch (one worker), each with fresh outputs, state and group.
 */
export async function benchKStreams(brokers: string, videos: number, rounds: number, partitions: number, runs: number, commitMs = 500): Promise<KStreamsComparison> {
  buildPeer();
  const tag = `ksb${Date.now()}-`;
  const input = names(`${tag}in-`);
  const n = videos * rounds;
  await withTempDir(async (dir) => {
    const log = await createEventLog({ dataDir: dir, kafkaBrokers: brokers, partitions, clientId: 'ytwatch-bench' });
    try {
      await log.ensureTopics([input.of('videos').spec(partitions)]);
      for (const b of snapshots(videos, rounds, input.topic('videos'))) await log.produce(b);
    } finally {
      await log.close();
    }
  });
  const ks: JobRun[] = [];
  const yt: JobRun[] = [];
  runPeer(brokers, input.topic('videos'), `${tag}warm-ks-`, n, commitMs);
  await runYtwatch(brokers, input, `${tag}warm-yt-`, n, partitions);
  for (let i = 0; i < runs; i++) {
    ks.push(runPeer(brokers, input.topic('videos'), `${tag}ks${i}-`, n, commitMs));
    yt.push(await runYtwatch(brokers, input, `${tag}yt${i}-`, n, partitions));
    process.stderr.write(`bench: kstreams run ${i + 1}/${runs}: Kafka Streams ${ks.at(-1)!.perSec}/s, ytwatch ${yt.at(-1)!.perSec}/s\n`);
  }
  const consumed = [];
  const floors = [];
  for (let i = 0; i < runs; i++) {
    consumed.push(await clientConsume(brokers, input.topic('videos'), partitions, n));
    floors.push(await engineFloor(brokers, input.topic('videos'), `${tag}floor${i}-`, partitions, n));
  }
  const summary = (rs: JobRun[]) => ({
    perSec: median(rs.map((r) => r.perSec)),
    cpuSPer100k: Number(((median(rs.map((r) => r.cpuS)) * 100_000) / n).toFixed(2)),
    runs: rs.map((r) => r.perSec),
  });
  const two = await runTwo(brokers, input, tag, n, partitions, commitMs).catch((err: unknown) => ({ error: (err as Error).message.split('\n')[0]! }));
  const twoRuns = 'error' in two ? [] : 'error' in two.kstreams ? [two.ytwatch] : [two.kstreams, two.ytwatch];
  const all = [...ks, ...yt, ...twoRuns];
  const kstreams = summary(ks);
  const ytwatch = { ...summary(yt), mainUsPerSnapshot: Number(((median(yt.map((r) => r.mainS!)) * 1e6) / n).toFixed(2)) };
  const client = { perSec: median(consumed.map((c) => c.perSec)), mainUsPerRecord: median(consumed.map((c) => c.mainUsPerRecord)) };
  const floor = { perSec: median(floors.map((f) => f.perSec)), mainUsPerSnapshot: median(floors.map((f) => f.mainUsPerSnapshot)) };
  return {
    snapshots: n,
    partitions,
    commitMs,
    kstreams,
    ytwatch,
    client,
    floor,
    ratio: Number((ytwatch.perSec / kstreams.perSec).toFixed(2)),
    outputsEqual: all.every((r) => r.digests === all[0]!.digests && r.changes === all[0]!.changes && r.alerts === all[0]!.alerts),
    changes: all[0]!.changes,
    alerts: all[0]!.alerts,
    two:
      'error' in two
        ? two
        : 'error' in two.kstreams
          ? { error: two.kstreams.error, ytwatchPerSec: two.ytwatch.perSec, workers: two.workers }
          : { kstreamsPerSec: two.kstreams.perSec, ytwatchPerSec: two.ytwatch.perSec, ratio: Number((two.ytwatch.perSec / two.kstreams.perSec).toFixed(2)), workers: two.workers },
  };
}
