/** A pipelined processor (commit overlapping the next batch) stays exactly once when a commit fails. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Consumer, EventLog, TopicSpec } from '../src/engine/core/log.js';
import { LogError } from '../src/engine/core/log.js';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import { Processor, drain } from '../src/engine/stream/processor.js';
import { readTopic } from '../src/engine/stream/read.js';
import { KeyedStore } from '../src/engine/stream/state.js';

/**
 * The log with every consumer's `n`-th commit failing (after nothing was written); `inputs` gets the
 * number of input records each successful commit took.
 */
function failingCommit(log: SqliteLog, n: number, inputs: number[] = []): EventLog {
  let commits = 0;
  const position = new Map<number, number>();
  const wrapped = Object.create(log) as EventLog;
  wrapped.consumer = async (options) => {
    const c = await log.consumer(options);
    const commit = c.commit.bind(c);
    return Object.assign(Object.create(c) as Consumer, {
      commit: async (tx: Parameters<Consumer['commit']>[0]) => {
        if (++commits === n) throw new LogError('injected commit failure', true);
        // A commit that takes a while, as on Kafka: the next batch is handled before it settles.
        await new Promise((resolve) => setTimeout(resolve, 5));
        await commit(tx);
        for (const o of tx.offsets) {
          inputs.push(o.offset - (position.get(o.partition) ?? 0));
          position.set(o.partition, o.offset);
        }
      },
    });
  };
  return wrapped;
}

interface SumRun {
  /** The `out` topic's values. */
  out: string[];
  /** What afterCommit got, in order. */
  committed: number[];
  /** Input records per successful commit. */
  inputs: number[];
  /** The expected `out` values and the final sums. */
  expected: string[];
  sums: number[];
  restored: Array<number | undefined>;
  failures: string[];
  /** With `table`: the `table` topic (the store's `changesTo`), as `key=sum`. */
  table: string[];
}

/** A SQLite log in a temporary folder with the topics `in`, `out`, `dlq` and `extra`. */
async function tempLog(extra: TopicSpec[] = []): Promise<SqliteLog> {
  const dir = mkdtempSync(join(tmpdir(), 'ytwatch-pipe-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const log = new SqliteLog({ path: join(dir, 'log.db') });
  await log.ensureTopics([
    { name: 'in', partitions: 1 },
    { name: 'out', partitions: 1 },
    { name: 'dlq', partitions: 1 },
    ...extra,
  ]);
  return log;
}

/**
 * Sums 50 values over 3 keys with a pipelined processor of batches of 7 (polls of `maxPoll`),
 * its second commit failing and, with `failAt`, its handler throwing once on that offset; with
 * `table`, the store also publishes its changes to the `table` topic.
 */
async function sumRun(maxPoll?: number, failAt?: number, table = false): Promise<SumRun> {
  const base = await tempLog([
    { name: 'sums', partitions: 1, compacted: true },
    { name: 'table', partitions: 1 },
  ]);
  await base.produce(Array.from({ length: 50 }, (_, i) => ({ topic: 'in', key: `k${i % 3}`, value: String(i + 1) })));
  const inputs: number[] = [];
  const log = failingCommit(base, 2, inputs);
  const sums = new KeyedStore<number>(log, 'sums', undefined, table ? { changesTo: 'table' } : {});
  const committed: number[] = [];
  let thrown = false;
  const p = new Processor<number>({
    log,
    stage: 'sum',
    group: 'sum',
    input: 'in',
    parse: (r) => ({ ok: true, value: Number(r.value!.toString()) }),
    deadLetterTopic: 'dlq',
    stores: [sums as KeyedStore<unknown>],
    maxBatch: 7,
    ...(maxPoll ? { maxPoll } : {}),
    pipelined: true,
    handle: (items, ctx) => {
      if (maxPoll) assert.ok(items.length <= maxPoll, `a handle call got ${items.length} items`);
      for (const { record, value } of items) {
        if (record.offset === failAt && !thrown) {
          thrown = true;
          throw new Error('injected handler failure');
        }
        const sum = (sums.get(record.key!) ?? 0) + value;
        sums.put(record.key!, sum);
        ctx.emit({ topic: 'out', key: record.key, value: `${record.offset}:${sum}` });
      }
      return items.map((i) => i.record.offset);
    },
    afterCommit: (handled) => committed.push(...(handled as number[])),
  });
  await p.start();
  const signal = new AbortController().signal;
  const failures: string[] = [];
  // Bounded: a handler or commit that keeps failing ends the run (and fails the test) instead of looping.
  for (let idle = 0; idle < 2 && failures.length < 5; ) {
    try {
      const n = await p.step(signal, 50);
      idle = n === 0 && (await p.lag()) === 0 ? idle + 1 : 0;
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  await p.close();
  const out = (await readTopic(base, 'out')).map((r) => r.value!.toString());
  const tableRecords = (await readTopic(base, 'table')).map((r) => `${r.key}=${r.value!.toString()}`);
  const expected: string[] = [];
  const running = new Map<string, number>();
  for (let i = 0; i < 50; i++) {
    const k = `k${i % 3}`;
    running.set(k, (running.get(k) ?? 0) + i + 1);
    expected.push(`${i}:${running.get(k)}`);
  }
  const restored = new KeyedStore<number>(base, 'sums');
  await restored.restore([0]);
  await base.close();
  return { out, committed, inputs, expected, sums: [...running.values()], restored: [restored.get('k0'), restored.get('k1'), restored.get('k2')], failures, table: tableRecords };
}

describe('pipelined processor', () => {
  it('drops the batch built on a failed commit and replays from the last commit: outputs and state exactly once', async () => {
    const run = await sumRun();
    assert.deepEqual(run.failures, ['injected commit failure']);
    assert.deepEqual(run.out, run.expected);
    // Each committed batch's own handle result reached afterCommit once; dropped batches' never.
    assert.deepEqual(run.committed, Array.from({ length: 50 }, (_, i) => i));
    assert.deepEqual(run.restored, run.sums);
  });

  it('maxPoll: a batch of several polls is one commit, and a failure in a later poll replays the whole batch', async () => {
    // Batches of 7 read as polls of 3, 3, 1; offset 11 is in the second poll of the second batch.
    const run = await sumRun(3, 11);
    assert.deepEqual(run.failures.sort(), ['injected commit failure', 'injected handler failure']);
    assert.deepEqual(run.out, run.expected);
    assert.deepEqual(run.committed, Array.from({ length: 50 }, (_, i) => i));
    assert.deepEqual(run.restored, run.sums);
    // Every commit but the last took a whole batch of 7 inputs, not one poll's 3.
    assert.deepEqual(run.inputs, [7, 7, 7, 7, 7, 7, 7, 1]);
  });

  it('changesTo: one record per key per commit, with its value at that commit, across failed commits and replays', async () => {
    const run = await sumRun(3, 11, true);
    assert.deepEqual(run.failures.sort(), ['injected commit failure', 'injected handler failure']);
    assert.equal(run.table.length > 0, true);
    const expected: string[] = [];
    const running = new Map<string, number>();
    let offset = 0;
    for (const n of run.inputs) {
      // The keys a commit's inputs touched, in the order first touched, each with its sum after them.
      const touched = new Map<string, number>();
      for (let i = offset; i < offset + n; i++) {
        const k = `k${i % 3}`;
        running.set(k, (running.get(k) ?? 0) + i + 1);
        touched.set(k, running.get(k)!);
      }
      for (const [k, v] of touched) expected.push(`${k}=${v}`);
      offset += n;
    }
    assert.equal(offset, 50);
    assert.deepEqual(run.table, expected);
    assert.deepEqual(run.restored, run.sums);
  });

  it('a drain ends when the input ends on a full batch, and takes what arrives after one', async () => {
    const log = await tempLog();
    const batches: number[] = [];
    const p = new Processor<string>({
      log,
      stage: 'copy',
      group: 'copy',
      input: 'in',
      parse: (r) => ({ ok: true, value: r.value!.toString() }),
      deadLetterTopic: 'dlq',
      maxBatch: 7,
      pipelined: true,
      handle: async (items, ctx) => {
        batches.push(items.length);
        for (const { value } of items) ctx.emit({ topic: 'out', key: null, value });
        // The first batch appends 7 more: they arrive after a full batch, while the drain goes on.
        if (batches.length === 1) await log.produce(Array.from({ length: 7 }, (_, i) => ({ topic: 'in', key: null, value: `late${i}` })));
      },
    });
    await log.produce(Array.from({ length: 14 }, (_, i) => ({ topic: 'in', key: null, value: `v${i}` })));
    await p.start();
    await drain(p as Processor<unknown>, new AbortController().signal);
    assert.deepEqual(batches, [7, 7, 7]);
    assert.equal(await p.lag(), 0);
    const out = (await readTopic(log, 'out')).map((r) => r.value!.toString());
    assert.deepEqual(out, [...Array.from({ length: 14 }, (_, i) => `v${i}`), ...Array.from({ length: 7 }, (_, i) => `late${i}`)]);
    await p.close();
    await log.close();
  });
});
