/**
 * Issue 17, item 4: on SQLite the API's history reads run in a worker thread, so the event loop
 * keeps turning (and answering /health) while a heavy query runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openHistoryDb } from '../src/app/history/db.js';
import { HistoryStore } from '../src/app/history/store.js';
import { snap } from './history-store.case.js';

describe('history reads off the event loop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ytwatch-reads-'));
  let store: HistoryStore;
  const NOW = Date.now();
  before(async () => {
    store = new HistoryStore(await openHistoryDb({ dataDir: dir }));
    const ids = Array.from({ length: 3000 }, (_, i) => `v${String(i).padStart(10, '0')}`);
    for (const h of [200, 30, 2, 0]) await store.addEvents(ids.map((id, k) => snap(id, NOW - h * 3_600_000, 1000 + k + h, 10 + ((k + h) % 13), 1)));
  });
  after(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the event loop turns while a heavy list query runs', async () => {
    let ticks = 0;
    let running = true;
    const spin = () => {
      if (!running) return;
      ticks++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const res = await store.listVideos({ sort: 'likes_7d', limit: 1000 });
    running = false;
    assert.equal(res.videos.length, 1000);
    assert.equal(res.total, 3000);
    assert.ok(ticks > 0, 'the query blocked the event loop from start to end');
  });

  it('reads see what was just written', async () => {
    await store.addEvents([snap('newvideo001', NOW, 5, 5, 5)]);
    assert.equal((await store.getVideo('newvideo001'))?.stats.views, 5);
    assert.equal(await store.countVideos(), 3001);
  });
});
