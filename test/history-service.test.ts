/**
 * The history stage on the embedded log: it stores what the topics carry, a batch replayed after a
 * failed commit stores nothing twice and is announced once, poison records are dead-lettered, and
 * retention prunes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Alert, VideoChange } from '../src/app/core/events.js';
import { DeadLetter } from '../src/engine/core/records.js';
import { LogError, type Consumer, type EventLog } from '../src/engine/core/log.js';
import { names as makeNames } from '../src/app/core/topics.js';
import { openHistoryDb } from '../src/app/history/db.js';
import { HistoryService } from '../src/app/stages/history.js';
import { HistoryStore, type FeedEntry } from '../src/app/history/store.js';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import { createLogger } from '../src/app/runtime/logger.js';
import { topicSpecs } from '../src/app/runtime/open-log.js';
import { snap } from './history-store.case.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1);

/** The log with one injected failure: the first commit of `group` throws a retriable LogError. */
function failFirstCommit(log: EventLog, group: string): EventLog {
  let failed = false;
  const wrapped = Object.create(log) as EventLog;
  wrapped.consumer = async (options) => {
    const c = await log.consumer(options);
    const consumer: Consumer = {
      poll: (o) => c.poll(o),
      rewind: () => c.rewind(),
      assignment: () => c.assignment(),
      lag: () => c.lag(),
      close: () => c.close(),
      commit: async (tx) => {
        if (options.group === group && !failed) {
          failed = true;
          throw new LogError('injected: commit failed', true);
        }
        return c.commit(tx);
      },
    };
    return consumer;
  };
  return wrapped;
}

describe('history stage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ytwatch-history-stage-'));
  const names = makeNames('t_');
  let log: SqliteLog;
  let store: HistoryStore;
  const announced: FeedEntry[] = [];
  let service: HistoryService;
  let clock = NOW;

  before(async () => {
    log = new SqliteLog({ path: join(dir, 'log.db') });
    await log.ensureTopics(topicSpecs(names, 2));
    store = new HistoryStore(await openHistoryDb({ dataDir: dir }), () => NOW);
    service = new HistoryService({
      log: failFirstCommit(log, 't_ytwatch-history'),
      names,
      store,
      logger: createLogger('silent'),
      retentionDays: 90,
      clock: () => clock,
      onFeed: (e) => announced.push(e),
    });
    await service.start();
  });
  after(async () => {
    await service.close();
    await store.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores snapshots, changes and alerts once although the first commit failed', async () => {
    const change: VideoChange = { v: 1, videoId: 'aaaaaaaaaaa', title: 'A', at: NOW, views_previous: 1, views_current: 2, likes_previous: 0, likes_current: 0, comments_previous: 0, comments_current: 0, unavailable: false };
    const alert: Alert = { v: 1, id: 't_youtube_videos/0/1/views', videoId: 'aaaaaaaaaaa', title: 'A', kind: 'change', metric: 'views', previous: 1, current: 2, rules: ['any'], at: NOW };
    await log.produce([
      { topic: names.topic('videos'), key: 'aaaaaaaaaaa', value: JSON.stringify(snap('aaaaaaaaaaa', NOW - 100 * DAY, 1)) },
      { topic: names.topic('videos'), key: 'aaaaaaaaaaa', value: JSON.stringify(snap('aaaaaaaaaaa', NOW, 2)) },
      { topic: names.topic('videos'), key: 'bbbbbbbbbbb', value: JSON.stringify(snap('bbbbbbbbbbb', NOW, 9)) },
      { topic: names.topic('videos'), key: 'ccccccccccc', value: '{"v":1,"type":"snapshot"' },
      { topic: names.topic('changes'), key: 'aaaaaaaaaaa', value: JSON.stringify(change) },
      { topic: names.topic('outbox'), key: 'aaaaaaaaaaa', value: JSON.stringify(alert) },
    ]);
    const signal = new AbortController().signal;
    await assert.rejects(service.drain(signal), /injected: commit failed/);
    await service.drain(signal);
    assert.equal(service.counters.snapshots, 3, 'the replayed batch inserted nothing');
    assert.equal(await store.countVideos(), 2);
    assert.equal((await store.history('aaaaaaaaaaa', { from: 0, to: NOW, limit: 10 })).points.length, 2);
    assert.deepEqual(announced.map((e) => e.kind).sort(), ['alert', 'change']);
    assert.deepEqual([service.counters.changes, service.counters.alerts], [1, 1]);
    const letters = [];
    for (const p of [0, 1]) letters.push(...(await log.read(names.topic('deadLetters'), p, 0, 10)));
    assert.equal(letters.length, 1, 'the poison record is dead-lettered once');
    const letter = DeadLetter.parse(JSON.parse(letters[0]!.value!.toString('utf8')));
    assert.equal(letter.stage, 'history');
    assert.match(letter.reason, /not JSON/);
  });

  it('prunes what is older than the retention', async () => {
    clock = NOW + DAY;
    assert.equal(await service.prune(), 1, 'the 100-day-old snapshot');
    assert.equal(service.counters.pruned, 1);
    assert.equal((await store.history('aaaaaaaaaaa', { from: 0, to: NOW, limit: 10 })).points.length, 1);
  });
});
