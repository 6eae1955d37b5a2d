/** The detect and notify stages on the embedded log, with real sinks against the Telegram fake. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Alert, VideoChange, VideoSnapshot } from '../src/app/core/events.js';
import { names as makeNames } from '../src/app/core/topics.js';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import { topicSpecs } from '../src/app/runtime/open-log.js';
import { drain } from '../src/engine/stream/processor.js';
import { readTopic } from '../src/engine/stream/read.js';
import { createDetect } from '../src/app/stages/detect.js';
import { createNotify } from '../src/app/stages/notify.js';
import { DEFAULT_RULES } from '../src/app/config/schema.js';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { TelegramSink } from '../src/app/sinks/telegram.js';
import type { Processor } from '../src/engine/stream/processor.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function openLog(partitions = 3) {
  const dir = mkdtempSync(join(tmpdir(), 'ytwatch-stage-'));
  dirs.push(dir);
  const names = makeNames('t_');
  const path = join(dir, 'log.db');
  const log = new SqliteLog({ path });
  await log.ensureTopics(topicSpecs(names, partitions));
  return { log, names, path };
}

const snap = (videoId: string, views: number, likes: number | null, comments: number | null, title = `Video ${videoId}`): VideoSnapshot => ({
  v: 1, type: 'snapshot', videoId, title, channelId: null, channelTitle: null, publishedAt: null, views, likes, comments, fetchedAt: Date.now(), pollId: 'p',
});

async function readAll<T>(log: SqliteLog, topic: string): Promise<T[]> {
  return (await readTopic(log, topic)).map((r) => JSON.parse(r.value!.toString('utf8')) as T);
}

const signal = new AbortController().signal;

describe('detect stage', () => {
  it('LATEST_BY_OFFSET(x, 2) semantics: first sight silent, then previous/current per change', async () => {
    const { log, names } = await openLog();
    const put = (...s: VideoSnapshot[]) => log.produce(s.map((v) => ({ topic: names.topic('videos'), key: v.videoId, value: JSON.stringify(v) })));
    const detect = createDetect({ log, names, rules: DEFAULT_RULES });
    await detect.start();
    await put(snap('aaaaaaaaaaa', 100, 10, 1), snap('bbbbbbbbbbb', 5000, null, 3));
    await drain(detect as Processor<unknown>, signal);
    assert.deepEqual(await readAll(log, names.topic('changes')), []);
    await put(snap('aaaaaaaaaaa', 250, 10, 2), snap('bbbbbbbbbbb', 5000, 7, 3), snap('aaaaaaaaaaa', 260, 12, 2));
    await drain(detect as Processor<unknown>, signal);
    const changes = await readAll<VideoChange>(log, names.topic('changes'));
    assert.deepEqual(
      changes.map((c) => [c.videoId, c.views_previous, c.views_current, c.likes_previous, c.likes_current, c.comments_previous, c.comments_current]).sort(),
      [
        ['aaaaaaaaaaa', 100, 250, 10, 10, 1, 2],
        ['aaaaaaaaaaa', 250, 260, 10, 12, 2, 2],
        ['bbbbbbbbbbb', 5000, 5000, null, 7, 3, 3],
      ].sort(),
    );
    const alerts = await readAll<Alert>(log, names.topic('outbox'));
    assert.deepEqual(alerts.map((a) => `${a.videoId} ${a.metric} ${a.previous}→${a.current} ${a.rules}`).sort(), [
      'aaaaaaaaaaa comments 1→2 any',
      'aaaaaaaaaaa likes 10→12 any',
      'aaaaaaaaaaa views 100→250 every:200',
    ]);
    await detect.close();
    await log.close();
  });

  it('restores its state after a restart and dead-letters poison records', async (t) => {
    const { log, names, path } = await openLog();
    const videos = names.topic('videos');
    const first = createDetect({ log, names, rules: DEFAULT_RULES });
    await first.start();
    await log.produce([{ topic: videos, key: 'ccccccccccc', value: JSON.stringify(snap('ccccccccccc', 1, 1, 1)) }]);
    await drain(first as Processor<unknown>, signal);
    await first.close();
    await log.close();

    const reopened = new SqliteLog({ path });
    const second = createDetect({ log: reopened, names, rules: DEFAULT_RULES });
    await second.start();
    await reopened.produce([
      { topic: videos, key: 'ccccccccccc', value: '{not json' },
      { topic: videos, key: 'ccccccccccc', value: JSON.stringify({ ...snap('ccccccccccc', 1, 1, 1), views: 'many' }) },
      { topic: videos, key: 'ccccccccccc', value: JSON.stringify(snap('ccccccccccc', 1, 2, 1)) },
    ]);
    await drain(second as Processor<unknown>, signal);
    const alerts = await readAll<Alert>(reopened, names.topic('outbox'));
    assert.deepEqual(alerts.map((a) => `${a.metric} ${a.previous}→${a.current}`), ['likes 1→2']);
    const dead = await readAll<{ stage: string; reason: string; value: string }>(reopened, names.topic('deadLetters'));
    t.diagnostic(`poison_records=2 routed_to_dead_letters=${dead.length}`);
    assert.equal(dead.length, 2);
    assert.match(dead[0]!.reason, /not JSON/);
    assert.equal(dead[0]!.value, '{not json');
    assert.match(dead[1]!.reason, /invalid: views/);
    await second.close();
    await reopened.close();
  });
});

describe('notify stage with Telegram', () => {
  it('delivers, paces per chat, and dead-letters a blocked chat instead of dropping', async () => {
    const tg = await FakeTelegram.start({ chats: [42, 43] });
    const { log, names } = await openLog(1);
    try {
      const alert = (i: number): Alert => ({
        v: 1, id: `id-${i}`, videoId: 'ddddddddddd', title: `T${i} <b>&`, kind: 'change', metric: 'likes', previous: i, current: i + 1, rules: ['any'], at: 0,
      });
      await log.produce([1, 2, 3, 3].map((i) => ({ topic: names.topic('outbox'), key: 'ddddddddddd', value: JSON.stringify(alert(i)) })));
      const sink = new TelegramSink({ token: tg.token, chatId: '42', apiRoot: tg.url, paceMs: 0, group: false });
      const { processor, counters } = createNotify({ log, names, sinks: [sink], maxBatch: 10 });
      await processor.start();
      await drain(processor as Processor<unknown>, signal);
      assert.deepEqual(tg.messages.map((m) => m.parsedText.split('\n')[1]), ['T1 <b>&', 'T2 <b>&', 'T3 <b>&'], 'duplicate id in one batch sent once');
      assert.equal(counters.delivered, 3);

      tg.block(42);
      await log.produce([4, 5].map((i) => ({ topic: names.topic('outbox'), key: 'ddddddddddd', value: JSON.stringify(alert(i)) })));
      await drain(processor as Processor<unknown>, signal);
      assert.equal(tg.messages.length, 3);
      assert.equal(tg.requests.get('sendMessage'), 4, 'after a 403 the chat is not written to again');
      const dead = await readAll<{ reason: string; sink: string }>(log, names.topic('deadLetters'));
      assert.equal(dead.length, 2);
      assert.ok(dead.every((d) => d.sink === 'telegram' && /Forbidden: bot was blocked by the user/.test(d.reason)), JSON.stringify(dead));
      assert.equal(await processor.lag(), 0);
      await processor.close();
    } finally {
      await tg.close();
      await log.close();
    }
  });

  it('splits alerts over 4096 characters into several messages and loses none', async () => {
    const tg = await FakeTelegram.start();
    try {
      const sink = new TelegramSink({ token: tg.token, chatId: '42', apiRoot: tg.url, paceMs: 0 });
      const alerts: Alert[] = Array.from({ length: 60 }, (_, i) => ({
        v: 1, id: `long-${i}`, videoId: 'fffffffffff', title: `${i} ${'Tom & Jerry <3 '.repeat(6)}`, kind: 'change', metric: 'comments', previous: i, current: i + 1, rules: ['any'], at: 0,
      }));
      const sent: string[] = [];
      assert.deepEqual(await sink.deliver(alerts, signal, async (a) => void sent.push(...a.map((x) => x.id))), []);
      assert.ok(tg.messages.length > 1, `${tg.messages.length} messages`);
      assert.ok(tg.messages.every((m) => m.parsedText.length <= 4096 && m.text.length <= 4096));
      const text = tg.messages.map((m) => m.parsedText).join('\n\n');
      for (let i = 0; i < 60; i++) assert.ok(text.includes(`Comments changed: ${i} → ${i + 1}`), `alert ${i} delivered`);
      assert.deepEqual(sent, alerts.map((a) => a.id));
    } finally {
      await tg.close();
    }
  });

  it('retries 5xx and timeouts with back-off and honours retry_after exactly', async () => {
    const tg = await FakeTelegram.start();
    try {
      const retries: number[] = [];
      const sink = new TelegramSink({ token: tg.token, chatId: '42', apiRoot: tg.url, paceMs: 0, baseDelayMs: 5, timeoutSeconds: 1, onRetry: (_e, _a, d) => retries.push(d) });
      tg.failNext(1, 'http500', 'sendMessage');
      tg.floodNext(1, 2);
      tg.failNext(1, 'timeout', 'sendMessage');
      const alert: Alert = { v: 1, id: 'r', videoId: 'eeeeeeeeeee', title: 'x', kind: 'change', metric: 'views', previous: 1, current: 2, rules: ['any'], at: 0 };
      const failures = await sink.deliver([alert], signal);
      assert.deepEqual(failures, []);
      assert.equal(tg.messages.length, 1);
      assert.equal(retries.length, 3, 'the fake fails first (500, then a timeout), then floods (429)');
      assert.ok(retries[0]! <= 5 && retries[1]! <= 10, 'jittered, doubling back-off');
      assert.equal(retries[2], 2000, 'waits exactly retry_after');
    } finally {
      await tg.close();
    }
  });
});
