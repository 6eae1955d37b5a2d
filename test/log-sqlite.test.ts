import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import { KeyedStore } from '../src/engine/stream/state.js';
import { logContract } from './contract/log.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'ytwatch-log-'));
logContract('sqlite', {
  open: async () => new SqliteLog({ path: join(dir, 'log.db') }),
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
});

describe('sqlite log: data folders written before values were bytes', () => {
  it('reads TEXT values back as their UTF-8 bytes, next to new BLOB values', async () => {
    const oldDir = mkdtempSync(join(tmpdir(), 'ytwatch-old-log-'));
    after(() => rmSync(oldDir, { recursive: true, force: true }));
    const path = join(oldDir, 'log.db');
    const log = new SqliteLog({ path });
    await log.ensureTopics([{ name: 'old', partitions: 1 }, { name: 'old_state', partitions: 1, compacted: true }]);
    await log.close();
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
