/**
 * Issue 17, item 10: a disk that fills up mid-run. SQLite's SQLITE_FULL is a retriable one-line
 * error (not a crash), and the notify stage does not send an alert twice when the sent-ledger write
 * fails: once space is back everything is delivered exactly once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Alert } from '../src/app/core/events.js';
import { LogError, type EventLog } from '../src/engine/core/log.js';
import { names as makeNames } from '../src/app/core/topics.js';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import { topicSpecs } from '../src/app/runtime/open-log.js';
import { TelegramSink } from '../src/app/sinks/telegram.js';
import { createNotify } from '../src/app/stages/notify.js';
import { consumeLoop } from '../src/engine/stream/loops.js';
import { drain } from '../src/engine/stream/processor.js';
import { scratch } from './helpers/cli.js';

describe('a full disk', () => {
  it('is a retriable "disk full" error from the log, not a crash', async () => {
    const s = scratch();
    const log = new SqliteLog({ path: join(s.dataDir, 'log.db') });
    try {
      await log.ensureTopics([{ name: 't', partitions: 1 }]);
      const pages = log.db.pragma('page_count', { simple: true }) as number;
      log.db.pragma(`max_page_count = ${pages + 2}`); // the disk has two pages left
      let err: unknown;
      for (let i = 0; i < 50 && !err; i++) {
        err = await log.produce([{ topic: 't', key: 'k', value: 'x'.repeat(100_000) }]).then(() => undefined, (e: unknown) => e);
      }
      assert.ok(err instanceof LogError, String(err));
      assert.equal(err.retriable, true);
      assert.match(err.message, /disk full writing .*log\.db/);
      assert.match(err.hint!, /free space/);
    } finally {
      await log.close();
      s.cleanup();
    }
  });

  it('while notify records its sends: nothing is sent twice, nothing lost', async () => {
    const s = scratch();
    const tg = await FakeTelegram.start();
    const inner = new SqliteLog({ path: join(s.dataDir, 'log.db') });
    const n = makeNames();
    let full = false;
    // The disk is full for the ledger's writes until `full` is cleared.
    const log = new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'produce') {
          return async (records: Parameters<EventLog['produce']>[0]) => {
            if (full && records.some((r) => r.topic === n.topic('notifySent'))) {
              throw new LogError(`disk full writing ${inner.path}`, true, { hint: 'free space' });
            }
            return target.produce(records);
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as EventLog;
    try {
      await inner.ensureTopics(topicSpecs(n, 1));
      const alerts: Alert[] = Array.from({ length: 4 }, (_, i) => ({ v: 1, id: `al${i}`, videoId: 'abcdefghijk', title: `T${i}`, kind: 'change', metric: 'views', previous: i, current: i + 1, rules: ['any'], at: i }));
      await inner.produce(alerts.map((a) => ({ topic: n.topic('outbox'), key: a.videoId, value: JSON.stringify(a) })));
      const sink = new TelegramSink({ token: tg.token, chatId: '42', apiRoot: tg.url, paceMs: 0, group: false });
      const { processor } = createNotify({ log, names: n, sinks: [sink] });
      await processor.start();
      full = true;
      const errors: string[] = [];
      const stop = new AbortController();
      const loop = consumeLoop('notify', processor as never, stop.signal, new AbortController().signal, { error: (o) => errors.push(JSON.stringify(o)) });
      try {
        await tg.waitForMessages(4);
        for (let i = 0; i < 200 && errors.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
        assert.ok(errors.length >= 1, 'the batch failed on the ledger write while the disk was full');
        await new Promise((r) => setTimeout(r, 1500)); // the retry after back-off
      } finally {
        full = false; // space is back
        stop.abort();
        await loop;
      }
      await drain(processor as never, new AbortController().signal);
      assert.equal(tg.messages.length, 4, 'each alert sent exactly once');
      assert.deepEqual(tg.messages.map((m) => m.parsedText.match(/T\d/)![0]).sort(), ['T0', 'T1', 'T2', 'T3']);
      assert.equal(await processor.lag(), 0, 'everything committed');
      await processor.close();
    } finally {
      await inner.close();
      await tg.close();
      s.cleanup();
    }
  });
});
