/** Issue 17, item 2: every wait is bounded and long waits really wait (no 2^31 ms overflow). */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '../src/app/core/events.js';
import { retry, WaitTooLongError } from '../src/engine/core/retry.js';
import { MAX_TIMER_MS, boundedDelay, MAX_SLEEP_MS, sleep } from '../src/engine/core/time.js';
import { parseInterval } from '../src/app/config/load.js';
import { YtwatchError } from '../src/engine/core/errors.js';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { pollLoop } from '../src/app/runtime/poll-loop.js';
import { TelegramSink } from '../src/app/sinks/telegram.js';
import { WebhookSink, retryAfterMs } from '../src/app/sinks/webhook.js';
import type { FetchStage } from '../src/app/stages/fetch.js';
import type { FetchStore } from '../src/app/youtube/fetch-store.js';

const alert = (id: string): Alert => ({ v: 1, id, videoId: 'abcdefghijk', title: 'T', kind: 'change', metric: 'views', previous: 1, current: 2, rules: ['any'], at: 0 });
const silent = { info() {}, warn() {}, error() {}, debug() {} } as never;

/** Settles `p` or reports 'pending' after `ms`. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);
}

describe('sleep', () => {
  it('does not fire at once past 2^31-1 ms, and stays abortable', async () => {
    for (const ms of [MAX_TIMER_MS + 1, 3_000_000_000_000, Infinity]) {
      const ac = new AbortController();
      const p = sleep(ms, ac.signal).then(() => 'resolved');
      assert.equal(await within(p, 150), 'pending', `sleep(${ms}) fired early`);
      ac.abort(new Error('stop'));
      await assert.rejects(p, /stop/);
    }
  });
  it('clamps to the documented maximum; NaN and negatives wait 0', async () => {
    assert.equal(boundedDelay(Infinity), MAX_SLEEP_MS);
    assert.equal(boundedDelay(Number.NaN), 0);
    assert.equal(boundedDelay(-5), 0);
    assert.equal(await within(sleep(Number.NaN).then(() => 'done'), 500), 'done');
  });
});

describe('poll interval', () => {
  it('--interval 600h polls once, not in a loop', async () => {
    let polls = 0;
    const fetch = { poll: async () => (polls++, { units: 2, videos: 1, pollId: 'p' }) } as unknown as FetchStage;
    const store = { unitsOn: () => 0 } as unknown as FetchStore;
    const stop = new AbortController();
    const loop = pollLoop({ fetch, store, interval: parseInterval('600h') as number, dailyBudget: 10_000, logger: silent }, stop.signal, new AbortController().signal);
    await new Promise((r) => setTimeout(r, 300));
    stop.abort();
    await loop;
    assert.equal(polls, 1);
  });
  it('an interval past the maximum is refused with one line', () => {
    assert.throws(() => parseInterval('9000h'), /longer than 366 days/);
  });
});

describe('exact waits asked by a server', () => {
  it('retry gives up with a clear reason past maxWaitMs instead of hammering', async () => {
    let calls = 0;
    const err = await retry(
      async () => {
        calls++;
        throw new YtwatchError('429', { retriable: true });
      },
      { waitFor: () => 3_000_000_000, baseDelayMs: 1 },
    ).catch((e: unknown) => e);
    assert.ok(err instanceof WaitTooLongError);
    assert.match((err as Error).message, /asked to wait 3000000 s, over the 3600 s maximum/);
    assert.equal(calls, 1);
  });
  it('Retry-After as seconds or an HTTP date', () => {
    assert.equal(retryAfterMs('3000000'), 3_000_000_000);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 0), 10_000);
    assert.equal(retryAfterMs('soon'), undefined);
    assert.equal(retryAfterMs(null), undefined);
  });

  describe('webhook Retry-After: 3000000', () => {
    let server: Server;
    let url = '';
    let hits = 0;
    before(async () => {
      server = createServer((req, res) => {
        hits++;
        req.resume();
        res.writeHead(429, { 'retry-after': '3000000' }).end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));
    it('dead-letters after one request, naming the wait', async () => {
      const failures = await new WebhookSink({ url, baseDelayMs: 1 }).deliver([alert('w1')], new AbortController().signal);
      assert.equal(hits, 1);
      assert.equal(failures.length, 1);
      assert.match(failures[0]!.reason, /webhook answered 429.*asked to wait 3000000 s, over the 3600 s maximum/);
    });
  });

  describe('Telegram retry_after: 3000000', () => {
    let tg: FakeTelegram;
    before(async () => (tg = await FakeTelegram.start()));
    after(() => tg.close());
    it('dead-letters after one request, naming the wait', async () => {
      tg.floodNext(1000, 3_000_000);
      const sink = new TelegramSink({ token: tg.token, chatId: '42', apiRoot: tg.url, paceMs: 1, baseDelayMs: 1 });
      const failures = await sink.deliver([alert('t1')], new AbortController().signal);
      assert.equal(tg.requests.get('sendMessage'), 1);
      assert.equal(failures.length, 1);
      assert.match(failures[0]!.reason, /429.*asked to wait 3000000 s/);
    });
  });
});
