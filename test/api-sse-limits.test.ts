/**
 * Issue 17, item 1: `/events` honours back-pressure. Clients that stop reading are dropped once
 * their buffer cap is reached (memory stays bounded) while a reading client gets everything; past
 * the client limit a new stream gets 503.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '../src/app/core/events.js';
import type { FeedEntry } from '../src/app/history/store.js';
import { startFixture, type Fixture } from './api.fixture.js';

const MAX_CLIENTS = 12;
const big = 'x'.repeat(64 * 1024);
const entry = (i: number): FeedEntry => {
  const alert: Alert = { v: 1, id: `a${i}`, videoId: 'abcdefghijk', title: big, kind: 'change', metric: 'views', previous: 1, current: 2, rules: ['any'], at: i };
  return { kind: 'alert', id: `a${i}`, videoId: 'abcdefghijk', title: big, at: i, alert };
};

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

describe('/events limits', () => {
  let f: Fixture;
  let port = 0;
  const sockets: Socket[] = [];
  before(async () => {
    f = await startFixture({ sse: { maxClients: MAX_CLIENTS, maxBufferBytes: 256 * 1024 } });
    const url = await f.app.listen({ host: '127.0.0.1', port: 0 });
    port = Number(new URL(url).port);
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await f?.close();
  });

  const open = (): Socket => {
    const s = connect(port, '127.0.0.1');
    s.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    sockets.push(s);
    return s;
  };

  it('drops clients that stop reading, keeps the one that reads', async () => {
    let received = '';
    let events = 0;
    const reader = open();
    reader.setEncoding('utf8');
    reader.on('data', (d: string) => {
      received += d;
      const parts = received.split('\n\n');
      received = parts.pop()!;
      events += parts.filter((p) => p.includes('event: alert')).length;
    });
    const stalled = Array.from({ length: 10 }, () => open());
    await until(() => f.hub.size === 11, 'all 11 streams subscribed');
    for (const s of stalled) s.pause();
    const N = 400; // 26 MB per client: far beyond the socket buffers and the 256 KiB cap
    for (let i = 0; i < N; i++) {
      f.hub.publish(entry(i));
      await tick();
      // A reading client keeps up (a few frames behind at most); the stalled ones do not.
      if (i % 4 === 3) await until(() => events >= i - 3, 'the reader keeps up');
    }
    await until(() => f.hub.size === 1, `stalled clients dropped (${f.hub.size - 1} left)`);
    await until(() => events === N, `the reading client got every event (${events}/${N})`);
  });

  it(`answers 503 past ${MAX_CLIENTS} streams`, async () => {
    while (f.hub.size < MAX_CLIENTS) {
      open();
      const want = f.hub.size + 1;
      await until(() => f.hub.size >= want, 'stream opened');
    }
    const res = await fetch(`http://127.0.0.1:${port}/events`);
    assert.equal(res.status, 503);
    assert.ok(res.headers.get('retry-after'));
    assert.match((await res.json() as { message: string }).message, /too many \/events streams/);
  });
});
