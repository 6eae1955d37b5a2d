import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import type { TopicSpec } from '../src/engine/core/log.js';
import { KeyedStore } from '../src/engine/stream/state.js';
import { logContract } from './contract/log.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'ytwatch-log-'));
logContract('sqlite', {
  open: async () => new SqliteLog({ path: join(dir, 'log.db') }),
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
});

/** The path of a new log file holding `topics` and nothing else (removed after the tests). */
async function emptyLog(topics: TopicSpec[]): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'ytwatch-old-log-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  const path = join(folder, 'log.db');
  const log = new SqliteLog({ path });
  await log.ensureTopics(topics);
  await log.close();
  return path;
}

describe('sqlite log: data folders written before values were bytes', () => {
  it('reads TEXT values back as their UTF-8 bytes, next to new BLOB values', async () => {
    const path = await emptyLog([{ name: 'old', partitions: 1 }, { name: 'old_state', partitions: 1, compacted: true }]);
    // As the previous version stored them: TEXT in the value column.
    const db = new Database(path);
    db.prepare("INSERT INTO records (topic, partition, offset, key, value, headers, ts) VALUES ('old', 0, 0, 'k', ?, NULL, 1)").run('{"v":1,"é":"✓"}');
    db.prepare("INSERT INTO compacted (topic, partition, key, offset, value, headers, ts) VALUES ('old_state', 0, 'k', 0, ?, NULL, 1)").run('{"n":1}');
    db.prepare("UPDATE partitions SET next_offset = 1 WHERE topic IN ('old', 'old_state')").run();
    db.close();
    const reopened = new SqliteLog({ path });
    await reopened.produce([{ topic: 'old', key: 'k', value: Buffer.from('{"v":2}') }]);
    const got = await reopened.read('old', 0, 0, 10);
    assert.deepEqual(got.map((r) => r.value), [Buffer.from('{"v":1,"é":"✓"}', 'utf8'), Buffer.from('{"v":2}')]);
    assert.deepEqual((await reopened.read('old_state', 0, 0, 10)).map((r) => r.value), [Buffer.from('{"n":1}')]);
    await reopened.close();
  });
});

describe('sqlite log: records packed in batch rows', () => {
  it('reads any window of offsets back exactly, across batch rows, appends and the pre-batch table', async () => {
    const path = await emptyLog([{ name: 't', partitions: 1 }]);
    // Three records as a data folder written before batches holds them: one row each.
    const db = new Database(path);
    const legacy = db.prepare("INSERT INTO records (topic, partition, offset, key, value, headers, ts) VALUES ('t', 0, ?, ?, ?, NULL, 1)");
    for (let i = 0; i < 3; i++) legacy.run(i, `old${i}`, Buffer.from(`old-${i}`));
    db.prepare("UPDATE partitions SET next_offset = 3 WHERE topic = 't'").run();
    db.close();
    const log = new SqliteLog({ path });
    const made = (i: number) => ({
      key: i % 11 === 0 ? null : `k${i}·é`,
      value: i % 13 === 0 ? null : Buffer.from(i % 5 === 0 ? '' : `{"i":${i},"s":"${'x'.repeat((i % 50) * 40)}"}`),
      headers: i % 7 === 0 ? { h: `v${i}`, 'ü': '✓' } : undefined,
    });
    // One large append (several batch rows, one closed early by size), then small ones.
    await log.produce(Array.from({ length: 1300 }, (_, i) => ({ topic: 't', ...made(i) })));
    for (let i = 1300; i < 1310; i++) await log.produce([{ topic: 't', ...made(i) }]);
    const rows = (log.db.prepare("SELECT COUNT(*) AS n FROM batches WHERE topic = 't'").get() as { n: number }).n;
    assert.ok(rows >= 13 && rows < 1310, `${rows} batch rows for 1310 records`);
    const expected = [
      ...[0, 1, 2].map((i) => ({ offset: i, key: `old${i}`, value: Buffer.from(`old-${i}`), headers: undefined })),
      ...Array.from({ length: 1310 }, (_, i) => ({ offset: i + 3, ...made(i) })),
    ];
    const seen = (r: Awaited<ReturnType<typeof log.read>>[number]) => ({ offset: r.offset, key: r.key, value: r.value, headers: r.headers });
    for (const from of [0, 1, 2, 3, 4, 300, 514, 515, 516, 1027, 1200, 1302, 1303, 1312, 1313, 2000]) {
      for (const max of [1, 2, 7, 512, 513, 5000]) {
        const got = await log.read('t', 0, from, max);
        assert.deepEqual(got.map(seen), expected.slice(from, from + max), `from ${from}, max ${max}`);
      }
    }
    await log.close();
  });
});

describe('keyed store: one changelog record per key per commit', () => {
  it('stages the latest value (or the deletion) of each key once, and restores to it', async () => {
    const storeDir = mkdtempSync(join(tmpdir(), 'ytwatch-store-'));
    after(() => rmSync(storeDir, { recursive: true, force: true }));
    const log = new SqliteLog({ path: join(storeDir, 'log.db') });
    await log.ensureTopics([{ name: 'state', partitions: 3, compacted: true }]);
    const store = new KeyedStore<number>(log, 'state');
    await store.restore([0, 1, 2]);
    for (let i = 1; i <= 5; i++) store.put('a', i);
    store.put('b', 1);
    store.put('c', 1);
    store.delete('c');
    const staged = store.takeStaged();
    assert.deepEqual(staged.map((r) => [r.key, r.value === null ? null : Buffer.from(r.value as Uint8Array).toString()]), [['a', '5'], ['b', '1'], ['c', null]]);
    assert.deepEqual(store.takeStaged(), []);
    await log.produce(staged);
    const restored = new KeyedStore<number>(log, 'state');
    await restored.restore([0, 1, 2]);
    assert.deepEqual([restored.get('a'), restored.get('b'), restored.get('c'), restored.size], [5, 1, undefined, 2]);
    await log.close();
  });
});
