/**
 * Kill -9 takeover on Kafka: two `ytwatch detect` workers split the 6 partitions of
 * `youtube_videos`; one is SIGKILLed while snapshots stream in. The survivor takes its partitions
 * over (after the session timeout, and after the broker aborted the victim's open transaction), and
 * `youtube_changes` / `telegram_outbox` end with exactly one change per changed snapshot and exactly
 * the expected alerts: nothing lost, nothing doubled.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { after, before, it } from 'node:test';
import { Alert, METRICS, VideoChange, type VideoSnapshot } from '../src/app/core/events.js';
import type { EventLog } from '../src/engine/core/log.js';
import { names as makeNames } from '../src/app/core/topics.js';
import { partitionFor } from '../src/engine/core/partition.js';
import { DEFAULT_RULES } from '../src/app/config/schema.js';
import { createKafkaLog } from '../src/engine/log/kafka/index.js';
import { topicSpecs } from '../src/app/runtime/open-log.js';
import { firedRules } from '../src/app/stages/rules.js';
import { caughtUp, GroupView, readAll } from './cases/kafka-tools.js';
import { scratch, startCli } from './helpers/cli.js';
import { ensureKafka, uniquePrefix } from './helpers/kafka.js';

const VIDEOS = 60;
const ROUNDS = 8;
const KILL_IN_ROUND = 3;
const PARTITIONS = 6;

let brokers: string;
let log: EventLog;
let view: GroupView;
const workers: ChildProcess[] = [];
const dirs: Array<ReturnType<typeof scratch>> = [];
const stderrs: string[] = [];

before(async () => {
  brokers = await ensureKafka();
  log = await createKafkaLog({ brokers: brokers.split(','), clientId: 'ytwatch-takeover-test' });
  view = await GroupView.open(brokers);
});
after(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  view?.close();
  await log?.close();
  for (const d of dirs) d.cleanup();
});

function snapshot(i: number, round: number): VideoSnapshot {
  return {
    v: 1,
    type: 'snapshot',
    videoId: `vid${String(i).padStart(8, '0')}`,
    title: `Video ${i}`,
    channelId: null,
    channelTitle: null,
    publishedAt: null,
    views: 1000 + i + round * 150,
    likes: 10 + round,
    comments: i % 3 === 0 ? 5 + round : 5,
    fetchedAt: 1_700_000_000_000 + round * 1000,
    pollId: `round-${round}`,
  };
}

function startWorker(env: Record<string, string>): ChildProcess {
  const d = scratch('ytwatch-takeover-');
  dirs.push(d);
  const child = startCli(['detect'], { ...env, YTWATCH_DATA_DIR: d.dataDir }, d.dir);
  let stderr = '';
  const n = stderrs.push('') - 1;
  child.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString();
    stderrs[n] = stderr;
  });
  child.stdout!.resume();
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGKILL' && code !== 0) process.stderr.write(`detect worker exited ${code ?? signal}:\n${stderr}\n`);
  });
  workers.push(child);
  return child;
}

it('kill -9 of one of two detect workers: every change and alert exactly once', async (t) => {
  const prefix = uniquePrefix('takeover');
  const names = makeNames(prefix);
  const group = names.group('detect');
  const videos = names.topic('videos');
  await log.ensureTopics(topicSpecs(names, PARTITIONS));
  const env = { KAFKA_BROKERS: brokers, YTWATCH_TOPIC_PREFIX: prefix, KAFKA_PARTITIONS: String(PARTITIONS), YTWATCH_LOG_LEVEL: 'warn' };

  const a = startWorker(env);
  const b = startWorker(env);
  const split = await view.waitFor(group, (m) => m.length === 2 && m.every((p) => p.length === PARTITIONS / 2), 60_000);

  /** Sends one round in chunks of 10 with a pause, so workers commit while it streams in. */
  const send = async (round: number, midway?: () => Promise<void>) => {
    for (let i = 0; i < VIDEOS; i += 10) {
      if (i === VIDEOS / 2) await midway?.();
      const chunk = Array.from({ length: Math.min(10, VIDEOS - i) }, (_, k) => snapshot(i + k, round));
      await log.produce(chunk.map((s) => ({ topic: videos, key: s.videoId, value: JSON.stringify(s) })));
      await new Promise((r) => setTimeout(r, 40));
    }
  };
  await send(0);
  await caughtUp(log, group, videos, 60_000);

  let killedAt = 0;
  const kill = async () => {
    a.kill('SIGKILL');
    killedAt = Date.now();
    await once(a, 'exit');
  };
  for (let round = 1; round <= ROUNDS; round++) await send(round, round === KILL_IN_ROUND ? kill : undefined);
  const alone = await view.waitFor(group, (m) => m.length === 1 && m[0]!.length === PARTITIONS, 60_000);
  const takeoverMs = Date.now() - killedAt;
  await caughtUp(log, group, videos, 90_000);
  const caughtUpMs = Date.now() - killedAt;

  const changes = (await readAll(log, names.topic('changes'))).map((r) => VideoChange.parse(JSON.parse(r.value!.toString('utf8'))));
  const alerts = (await readAll(log, names.topic('outbox'))).map((r) => Alert.parse(JSON.parse(r.value!.toString('utf8'))));

  const expectedChanges: string[] = [];
  const expectedAlerts: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (let i = 0; i < VIDEOS; i++) {
      const prev = snapshot(i, round - 1);
      const cur = snapshot(i, round);
      expectedChanges.push(`${cur.videoId} ${cur.views} ${cur.likes} ${cur.comments}`);
      for (const m of METRICS) {
        const fired = firedRules(DEFAULT_RULES[m], prev[m], cur[m]);
        if (fired.length > 0) expectedAlerts.push(`${cur.videoId} ${m} ${prev[m]}→${cur[m]} ${fired.join(',')}`);
      }
    }
  }
  const gotChanges = changes.map((c) => `${c.videoId} ${c.views_current} ${c.likes_current} ${c.comments_current}`);
  const gotAlerts = alerts.map((x) => `${x.videoId} ${x.metric} ${x.previous}→${x.current} ${x.rules.join(',')}`);
  t.diagnostic(
    `split=${JSON.stringify(split)} takeover_ms=${takeoverMs} caught_up_ms=${caughtUpMs} survivor=${JSON.stringify(alone)} ` +
      `changes=${changes.length}/${expectedChanges.length} alerts=${alerts.length}/${expectedAlerts.length}`,
  );
  const missing = expectedChanges.filter((c) => !gotChanges.includes(c));
  if (missing.length > 0 || gotChanges.length !== expectedChanges.length) {
    const byRound = new Map<string, number>();
    for (const m of missing) {
      const [vid, views] = m.split(' ');
      const i = Number(vid!.slice(3));
      const round = (Number(views) - 1000 - i) / 150;
      const k = `r${round}/p${partitionFor(vid!, PARTITIONS)}`;
      byRound.set(k, (byRound.get(k) ?? 0) + 1);
    }
    t.diagnostic(`missing by round/partition: ${JSON.stringify([...byRound].sort())}; killed in round ${KILL_IN_ROUND}; extra=${gotChanges.length - (expectedChanges.length - missing.length)}`);
    t.diagnostic(`worker stderr:\n${stderrs.join('\n----\n')}`);
  }
  assert.equal(new Set(alerts.map((x) => x.id)).size, alerts.length, 'alert ids are unique');
  assert.deepEqual(gotChanges.sort(), expectedChanges.sort(), 'one change record per changed snapshot');
  assert.deepEqual(gotAlerts.sort(), expectedAlerts.sort(), 'exactly the expected alerts');

  b.kill('SIGTERM');
  const [code] = (await once(b, 'exit')) as [number | null];
  assert.equal(code, 0, 'the survivor shuts down cleanly');
});
