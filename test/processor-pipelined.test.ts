/** A pipelined processor (commit overlapping the next batch) stays exactly once when a commit fails. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Consumer, EventLog } from '../src/engine/core/log.js';
import { LogError } from '../src/engine/core/log.js';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import { Processor } from '../src/engine/stream/processor.js';
import { readTopic } from '../src/engine/stream/read.js';
import { KeyedStore } from '../src/engine/stream/state.js';

/** The log with every consumer's `n`-th commit failing (after nothing was written). */
function failingCommit(log: SqliteLog, n: number): EventLog {
  let commits = 0;
  const wrapped = Object.create(log) as EventLog;
  wrapped.consumer = async (options) => {
    const c = await log.consumer(options);
    const commit = c.commit.bind(c);
    return Object.assign(Object.create(c) as Consumer, {
      commit: async (tx: Parameters<Consumer['commit']>[0]) => {
        if (++commits === n) throw new LogError('injected commit failure', true);
        // A commit that takes a while, as on Kafka: the next batch is handled before it settles.
        await new Promise((resolve) => setTimeout(resolve, 5));
        return commit(tx);
      },
    });
  };
  return wrapped;
}

describe('pipelined processor', () => {
  it('drops the batch built on a failed commit and replays from the last commit: outputs and state exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ytwatch-pipe-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const base = new SqliteLog({ path: join(dir, 'log.db') });
    await base.ensureTopics([
      { name: 'in', partitions: 1 },
      { name: 'out', partitions: 1 },
      { name: 'dlq', partitions: 1 },
      { name: 'sums', partitions: 1, compacted: true },
    ]);
    await base.produce(Array.from({ length: 50 }, (_, i) => ({ topic: 'in', key: `k${i % 3}`, value: String(i + 1) })));
    const log = failingCommit(base, 2);
    const sums = new KeyedStore<number>(log, 'sums');
    const committed: number[] = [];
    const p = new Processor<number>({
      log,
      stage: 'sum',
      group: 'sum',
      input: 'in',
      parse: (r) => ({ ok: true, value: Number(r.value!.toString()) }),
      deadLetterTopic: 'dlq',
      stores: [sums as KeyedStore<unknown>],
      maxBatch: 7,
      pipelined: true,
      handle: (items, ctx) => {
        for (const { record, value } of items) {
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
    let failures = 0;
    for (let idle = 0; idle < 2; ) {
      try {
        const n = await p.step(signal, 50);
        idle = n === 0 && (await p.lag()) === 0 ? idle + 1 : 0;
      } catch (err) {
        assert.match((err as Error).message, /injected commit failure/);
        failures++;
      }
    }
    await p.close();
    assert.equal(failures, 1);
    const out = (await readTopic(base, 'out')).map((r) => r.value!.toString());
    const expected: string[] = [];
    const running = new Map<string, number>();
    for (let i = 0; i < 50; i++) {
      const k = `k${i % 3}`;
      running.set(k, (running.get(k) ?? 0) + i + 1);
      expected.push(`${i}:${running.get(k)}`);
    }
    assert.deepEqual(out, expected);
    // Each committed batch's own handle result reached afterCommit once; dropped batches' never.
    assert.deepEqual(committed, Array.from({ length: 50 }, (_, i) => i));
    const restored = new KeyedStore<number>(base, 'sums');
    await restored.restore([0]);
    assert.deepEqual([restored.get('k0'), restored.get('k1'), restored.get('k2')], [...running.values()]);
    await base.close();
  });
});
