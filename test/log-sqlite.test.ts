import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import type { TopicSpec } from '../src/engine/core/log.js';
import { KeyedStore } from '../src/engine/stream/state.js';
import { toBytes } from '../src/engine/core/bytes.js';
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

describe('sqlite log: compacted topics', () => {
  it('appends as batch rows, then folds them into one row per key past compactAfter and eight times the keys held; reads stay exact', async () => {
    const path = await emptyLog([{ name: 's', partitions: 1, compacted: true }]);
    const log = new SqliteLog({ path, compactAfter: 10 });
    const batchRows = () => (log.db.prepare("SELECT COUNT(*) AS n FROM batches WHERE topic = 's'").get() as { n: number }).n;
    /** Every record appended, in offset order: [key, value (null: tombstone)]. */
    const written: Array<[string, string | null]> = [];
    const append = async (records: Array<[string, string | null]>) => {
      await log.produce(records.map(([key, value]) => ({ topic: 's', key, value, headers: key === 'h' ? { 'é': value ?? '' } : undefined })));
      written.push(...records);
    };
    /** The offsets of each key's latest record among the first `end`, deleted keys left out. */
    const latest = (end = written.length) => {
      const last = new Map<string, number>();
      written.slice(0, end).forEach(([key], offset) => last.set(key, offset));
      return [...last.values()].filter((o) => written[o]![1] !== null).sort((a, b) => a - b);
    };
    const read = async (from = 0, max = 1000) => (await log.read('s', 0, from, max)).map((r) => [r.offset, r.key, r.value === null ? null : Buffer.from(r.value).toString(), r.headers?.['é'] ?? null]);
    const expect = (offsets: number[]) => offsets.map((o) => [o, written[o]![0], written[o]![1], written[o]![0] === 'h' ? written[o]![1] : null]);

    // Below compactAfter: every record is kept, superseded ones too (Kafka's uncleaned head).
    await append([['a', '1'], ['b', '1'], ['a', '2'], ['h', 'x']]);
    assert.deepEqual(await read(), expect([0, 1, 2, 3]));
    assert.ok(batchRows() > 0);
    // Past it (10 records, no key held yet): folded; a tombstone removes its key; offsets are kept.
    await append([['b', null], ['c', '1'], ['a', '3'], ['h', 'y'], ['d', '1'], ['c', '2']]);
    assert.equal(batchRows(), 0);
    assert.deepEqual(await read(), expect(latest()));
    assert.deepEqual(latest(), [6, 7, 8, 9]);
    assert.deepEqual(await read(7, 2), expect([7, 8]));
    // New records follow the folded rows, with the next offsets; a read crosses from one to the other.
    await append([['e', '1'], ['a', '4']]);
    assert.deepEqual(await read(), expect([6, 7, 8, 9, 10, 11]));
    assert.deepEqual(await read(9, 2), expect([9, 10]));
    assert.equal((await log.endOffsets('s')).get(0), 12);
    // 35 keys held: their batches are folded only once they hold eight times as many records (280).
    await append(Array.from({ length: 30 }, (_, i): [string, string] => [`k${i}`, '1']));
    assert.equal(batchRows(), 0);
    await append(Array.from({ length: 44 }, (_, i): [string, string] => [`k${i % 30}`, String(i)]));
    assert.ok(batchRows() > 0, 'not folded below eight times the keys held');
    assert.deepEqual(await read(), expect([...latest(42), ...Array.from({ length: 44 }, (_, i) => 42 + i)]));
    await append(Array.from({ length: 235 }, (_, i): [string, string] => [`x${i % 7}`, String(i)]));
    assert.ok(batchRows() > 0, 'not folded at 279 records');
    await append(Array.from({ length: 27 }, (_, i): [string, string] => [`k${i}`, 'last']));
    assert.equal(batchRows(), 0);
    assert.deepEqual(await read(), expect(latest()));
    // A store restores the same state from the folded rows.
    const store = new KeyedStore<unknown>(log, 's', { format: 'text', serialize: (v) => Buffer.from(String(v)), deserialize: (b) => Buffer.from(b).toString() });
    await store.restore([0]);
    assert.deepEqual([store.size, store.get('a'), store.get('b'), store.get('k0'), store.get('k29')], [latest().length, '4', undefined, 'last', '29']);
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
    store.delete('d');
    store.put('d', 2);
    store.delete('z');
    assert.deepEqual([store.size, store.get('c'), store.get('d'), store.get('z')], [3, undefined, 2, undefined]);
    const staged = store.takeStaged();
    assert.deepEqual(staged.map((r) => [r.key, r.value === null ? null : toBytes(r.value).toString()]), [['a', '5'], ['b', '1'], ['c', null], ['d', '2'], ['z', null]]);
    assert.equal(store.size, 3);
    assert.deepEqual(store.takeStaged(), []);
    await log.produce(staged);
    const restored = new KeyedStore<number>(log, 'state');
    await restored.restore([0, 1, 2]);
    assert.deepEqual([restored.get('a'), restored.get('b'), restored.get('c'), restored.get('d'), restored.size], [5, 1, undefined, 2, 3]);
    await log.close();
  });

  it('publishes the same records to changesTo: the latest value of each key per commit', async () => {
    const storeDir = mkdtempSync(join(tmpdir(), 'ytwatch-store-'));
    after(() => rmSync(storeDir, { recursive: true, force: true }));
    const log = new SqliteLog({ path: join(storeDir, 'log.db') });
    await log.ensureTopics([{ name: 'state', partitions: 2, compacted: true }, { name: 'table', partitions: 2 }]);
    const store = new KeyedStore<number>(log, 'state', undefined, { changesTo: 'table' });
    await store.restore([0, 1]);
    const committed: Array<[string, string, string | null]> = [];
    const commit = async () => {
      const staged = store.takeStaged();
      await log.produce(staged);
      committed.push(...staged.map((r): [string, string, string | null] => [r.topic, r.key!, r.value === null ? null : toBytes(r.value).toString()]));
    };
    store.put('a', 1);
    store.put('a', 2);
    store.put('b', 7);
    await commit();
    store.delete('b');
    store.put('a', 3);
    await commit();
    await commit();
    assert.deepEqual(committed, [
      ['state', 'a', '2'], ['table', 'a', '2'], ['state', 'b', '7'], ['table', 'b', '7'],
      ['state', 'b', null], ['table', 'b', null], ['state', 'a', '3'], ['table', 'a', '3'],
    ]);
    const restored = new KeyedStore<number>(log, 'state');
    await restored.restore([0, 1]);
    assert.deepEqual([restored.get('a'), restored.get('b'), restored.size], [3, undefined, 1]);
    await log.close();
  });
});
