/**
 * The event-log contract suite. Every backend runs it: `logContract('sqlite', factory)`.
 * Topic and group names are unique per test, so a shared Kafka cluster can run it repeatedly.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import type { Consumer, EventLog, LogRecord } from '../../src/engine/core/log.js';
import { partitionFor } from '../../src/engine/core/partition.js';

export interface LogFactory {
  /** A log ready for use; the suite closes it. */
  open(): Promise<EventLog>;
  /** Called once after the suite. */
  teardown?(): Promise<void>;
}

/** `t-` like every test topic, so `npm test` deletes it afterwards (scripts/kafka-topics.ts). */
const uniq = (name: string) => `t-${name}-${randomUUID().slice(0, 8)}`;

/** Polls until `count` records arrived or `timeoutMs` passed (Kafka needs a moment to join a group). */
export async function pollUntil(consumer: Consumer, count: number, timeoutMs = 20_000): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) {
    out.push(...(await consumer.poll({ timeoutMs: 500, maxRecords: count - out.length })));
  }
  return out;
}

/** A record's value as UTF-8 text (values are bytes; these tests write text). */
const text = (r: LogRecord) => (r.value === null ? null : r.value.toString('utf8'));

const byOffset = (a: LogRecord, b: LogRecord) => a.partition - b.partition || a.offset - b.offset;

export function logContract(name: string, factory: LogFactory): void {
  describe(`event log contract: ${name}`, () => {
    const logs: EventLog[] = [];
    const open = async () => {
      const log = await factory.open();
      logs.push(log);
      return log;
    };
    after(async () => {
      for (const log of logs) await log.close().catch(() => {});
      await factory.teardown?.();
    });

    it('keeps order per partition and partitions by key like Kafka', async () => {
      const log = await open();
      const topic = uniq('orders');
      await log.ensureTopics([{ name: topic, partitions: 3 }]);
      assert.equal(await log.partitionCount(topic), 3);
      const keys = ['a', 'b', 'c', 'd', 'e'];
      const sent = keys.flatMap((k) => [1, 2, 3].map((i) => ({ topic, key: k, value: `${k}${i}` })));
      await log.produce(sent);
      const consumer = await log.consumer({ group: uniq('g'), topics: [topic] });
      const got = await pollUntil(consumer, sent.length);
      await consumer.close();
      assert.equal(got.length, sent.length);
      for (const k of keys) {
        const mine = got.filter((r) => r.key === k);
        assert.deepEqual(mine.map(text), [`${k}1`, `${k}2`, `${k}3`]);
        assert.ok(mine.every((r) => r.partition === partitionFor(k, 3)), `key ${k} in partition ${partitionFor(k, 3)}`);
        assert.ok(mine[0]!.offset < mine[1]!.offset && mine[1]!.offset < mine[2]!.offset);
      }
      assert.ok(got.every((r) => r.topic === topic && typeof r.timestamp === 'number'));
    });

    it('resumes a group from its committed offsets', async () => {
      const log = await open();
      const topic = uniq('resume');
      const group = uniq('g');
      await log.ensureTopics([{ name: topic, partitions: 1 }]);
      await log.produce([1, 2, 3, 4, 5].map((i) => ({ topic, key: 'k', value: String(i) })));
      const first = await log.consumer({ group, topics: [topic] });
      const got = await pollUntil(first, 5);
      assert.equal(got.length, 5);
      await first.commit({ offsets: [{ topic, partition: 0, offset: got[2]!.offset + 1 }] });
      await first.close();
      const second = await log.consumer({ group, topics: [topic] });
      const rest = await pollUntil(second, 2);
      assert.deepEqual(rest.map(text), ['4', '5']);
      const committed = await log.committedOffsets(group, topic);
      assert.equal(committed.get(0), got[2]!.offset + 1);
      await second.close();
    });

    it('commits outputs and input offsets atomically', async () => {
      const log = await open();
      const input = uniq('in');
      const output = uniq('out');
      const group = uniq('g');
      await log.ensureTopics([{ name: input, partitions: 1 }, { name: output, partitions: 2 }]);
      await log.produce([{ topic: input, key: 'x', value: 'hello' }]);
      const consumer = await log.consumer({ group, topics: [input] });
      const [rec] = await pollUntil(consumer, 1);
      assert.ok(rec);
      await consumer.commit({
        produce: [{ topic: output, key: 'x', value: 'HELLO', headers: { source: 'contract' } }],
        offsets: [{ topic: input, partition: 0, offset: rec.offset + 1 }],
      });
      assert.equal(await consumer.lag(), 0);
      await consumer.close();
      const reader = await log.consumer({ group: uniq('g'), topics: [output] });
      const out = await pollUntil(reader, 1);
      await reader.close();
      assert.equal(out.length, 1);
      assert.equal(text(out[0]!), 'HELLO');
      assert.deepEqual(out[0]!.headers, { source: 'contract' });
      assert.equal((await log.committedOffsets(group, input)).get(0), rec.offset + 1);
    });

    it('leaves nothing behind when a transaction fails, and rewinds the member', async () => {
      const log = await open();
      const input = uniq('in');
      const output = uniq('out');
      const group = uniq('g');
      await log.ensureTopics([{ name: input, partitions: 1 }, { name: output, partitions: 1 }]);
      await log.produce([{ topic: input, key: 'x', value: 'v1' }]);
      const consumer = await log.consumer({ group, topics: [input] });
      const [rec] = await pollUntil(consumer, 1);
      assert.ok(rec);
      await assert.rejects(
        consumer.commit({
          produce: [
            { topic: output, key: 'x', value: 'partial' },
            { topic: uniq('missing-topic'), key: 'x', value: 'boom' },
          ],
          offsets: [{ topic: input, partition: 0, offset: rec.offset + 1 }],
        }),
      );
      assert.equal((await log.committedOffsets(group, input)).get(0), undefined);
      const again = await pollUntil(consumer, 1);
      assert.deepEqual(again.map(text), ['v1'], 'the member re-reads the uncommitted record');
      await consumer.close();
      const reader = await log.consumer({ group: uniq('g'), topics: [output] });
      const leaked = await reader.poll({ timeoutMs: 1500 });
      await reader.close();
      assert.deepEqual(leaked, [], 'no output of the failed transaction is visible');
    });

    it('keeps the latest value per key on a compacted topic; tombstones delete', async () => {
      const log = await open();
      const topic = uniq('state');
      await log.ensureTopics([{ name: topic, partitions: 2, compacted: true }]);
      await log.produce([
        { topic, key: 'a', value: '1' },
        { topic, key: 'b', value: '1' },
        { topic, key: 'a', value: '2' },
        { topic, key: 'b', value: null },
        { topic, key: 'c', value: '7' },
      ]);
      const state = new Map<string, string>();
      for (let p = 0; p < 2; p++) {
        const ends = await log.endOffsets(topic);
        for (const r of await log.read(topic, p, 0, 1000)) {
          if (r.offset >= (ends.get(p) ?? 0)) break;
          if (r.value === null) state.delete(r.key!);
          else state.set(r.key!, text(r)!);
        }
      }
      assert.deepEqual(Object.fromEntries(state), { a: '2', c: '7' });
    });

    it('reports end offsets and lag per group', async () => {
      const log = await open();
      const topic = uniq('lag');
      const group = uniq('g');
      await log.ensureTopics([{ name: topic, partitions: 2 }]);
      await log.produce(['a', 'b', 'c', 'd'].map((k) => ({ topic, key: k, value: k })));
      const ends = await log.endOffsets(topic);
      assert.equal([...ends.values()].reduce((a, b) => a + b, 0), 4);
      const consumer = await log.consumer({ group, topics: [topic] });
      const got = await pollUntil(consumer, 4);
      assert.equal(await consumer.lag(), 4);
      const last = new Map<number, number>();
      for (const r of got) last.set(r.partition, Math.max(last.get(r.partition) ?? -1, r.offset));
      await consumer.commit({ offsets: [...last].map(([partition, o]) => ({ topic, partition, offset: o + 1 })) });
      assert.equal(await consumer.lag(), 0);
      await consumer.close();
    });

    it('lag reaches 0 after consuming a topic written by transactions', async () => {
      const log = await open();
      const input = uniq('src');
      const middle = uniq('txout');
      await log.ensureTopics([{ name: input, partitions: 1 }, { name: middle, partitions: 2 }]);
      await log.produce(['a', 'b', 'c', 'd', 'e'].map((k) => ({ topic: input, key: k, value: k })));
      // A first stage writes `middle` in transactions (two of them: markers follow each).
      const writer = await log.consumer({ group: uniq('g'), topics: [input] });
      const got = await pollUntil(writer, 5);
      assert.equal(got.length, 5);
      for (const part of [got.slice(0, 2), got.slice(2)]) {
        await writer.commit({
          produce: part.map((r) => ({ topic: middle, key: r.key, value: text(r)!.toUpperCase() })),
          offsets: [{ topic: input, partition: 0, offset: part[part.length - 1]!.offset + 1 }],
        });
      }
      assert.equal(await writer.lag(), 0);
      await writer.close();
      // A second stage consumes `middle` to the end and commits: its lag must reach 0.
      const group = uniq('g');
      const reader = await log.consumer({ group, topics: [middle] });
      const seen: string[] = [];
      let lag = -1;
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const batch = await reader.poll({ timeoutMs: 200 });
        if (batch.length > 0) {
          seen.push(...batch.map((r) => text(r)!));
          const last = new Map<number, number>();
          for (const r of batch) last.set(r.partition, Math.max(last.get(r.partition) ?? -1, r.offset));
          await reader.commit({ offsets: [...last].map(([partition, o]) => ({ topic: middle, partition, offset: o + 1 })) });
        }
        lag = await reader.lag();
        if (lag === 0 && seen.length >= 5) break;
      }
      assert.deepEqual(seen.sort(), ['A', 'B', 'C', 'D', 'E']);
      assert.equal(lag, 0, 'lag counts transaction markers as consumed');
      assert.equal((await reader.poll({ timeoutMs: 300 })).length, 0);
      assert.equal(await reader.lag(), 0);
      await reader.close();
    });

    it('a poll toEnd takes all of a transaction, on every partition, in one batch', async () => {
      const log = await open();
      const input = uniq('src');
      const middle = uniq('spread');
      await log.ensureTopics([{ name: input, partitions: 1 }, { name: middle, partitions: 6 }]);
      const keys = Array.from({ length: 24 }, (_, i) => `k${i}`);
      const rounds = 5;
      await log.produce(Array.from({ length: rounds }, (_, i) => ({ topic: input, key: 'r', value: String(i) })));
      const writer = await log.consumer({ group: uniq('g'), topics: [input] });
      const inputs = await pollUntil(writer, rounds);
      const reader = await log.consumer({ group: uniq('g'), topics: [middle] });
      assert.equal((await reader.poll({ timeoutMs: 300, toEnd: true })).length, 0);
      for (const r of inputs) {
        // The reader is already waiting when the transaction commits, as notify waits for detect.
        const waiting = reader.poll({ timeoutMs: 10_000, maxRecords: 1000, toEnd: true });
        await writer.commit({
          produce: keys.map((key) => ({ topic: middle, key, value: `${text(r)}-${key}` })),
          offsets: [{ topic: input, partition: 0, offset: r.offset + 1 }],
        });
        const batch = await waiting;
        assert.equal(batch.length, keys.length, `round ${text(r)}: partitions ${[...new Set(batch.map((b) => b.partition))].join(',')}`);
        assert.deepEqual(batch.map(text).sort(), keys.map((k) => `${text(r)}-${k}`).sort());
        const last = new Map<number, number>();
        for (const b of batch) last.set(b.partition, Math.max(last.get(b.partition) ?? -1, b.offset));
        await reader.commit({ offsets: [...last].map(([partition, o]) => ({ topic: middle, partition, offset: o + 1 })) });
      }
      await writer.close();
      await reader.close();
    });

    it('gives each group its own copy of the stream', async () => {
      const log = await open();
      const topic = uniq('fanout');
      await log.ensureTopics([{ name: topic, partitions: 1 }]);
      await log.produce([{ topic, key: null, value: 'one' }, { topic, key: null, value: 'two' }]);
      for (const g of [uniq('g1'), uniq('g2')]) {
        const c = await log.consumer({ group: g, topics: [topic] });
        assert.deepEqual((await pollUntil(c, 2)).sort(byOffset).map(text), ['one', 'two']);
        await c.close();
      }
    });

    it('tells the member its partitions before their records, and wakes a waiting poll', async () => {
      const log = await open();
      const topic = uniq('assign');
      await log.ensureTopics([{ name: topic, partitions: 2 }]);
      const seen: number[] = [];
      let assignedBeforeRecords = false;
      const consumer = await log.consumer({
        group: uniq('g'),
        topics: [topic],
        onAssign: (parts) => {
          for (const p of parts) seen.push(p.partition);
        },
      });
      const waiting = pollUntil(consumer, 1, 20_000).then((r) => {
        assignedBeforeRecords = seen.length > 0;
        return r;
      });
      await log.produce([{ topic, key: 'late', value: 'arrived' }]);
      const got = await waiting;
      assert.deepEqual(got.map(text), ['arrived']);
      assert.ok(assignedBeforeRecords);
      assert.deepEqual([...new Set(seen)].sort(), [0, 1]);
      assert.deepEqual(consumer.assignment().map((p) => p.partition).sort(), [0, 1]);
      await consumer.close();
    });

    it('reads a partition from an offset outside any group', async () => {
      const log = await open();
      const topic = uniq('read');
      await log.ensureTopics([{ name: topic, partitions: 1 }]);
      await log.ensureTopics([{ name: topic, partitions: 1 }]);
      await log.produce(['a', 'b', 'c'].map((v) => ({ topic, key: 'k', value: v })));
      const all = await log.read(topic, 0, 0, 10);
      assert.deepEqual(all.map(text), ['a', 'b', 'c']);
      const tail = await log.read(topic, 0, all[1]!.offset, 10);
      assert.deepEqual(tail.map(text), ['b', 'c']);
    });

    it('stores values as bytes: any byte sequence comes back unchanged, text as its UTF-8 bytes', async () => {
      const log = await open();
      const topic = uniq('bytes');
      await log.ensureTopics([{ name: topic, partitions: 1 }]);
      const binary = Uint8Array.from([0, 0xff, 0xfe, 0x80, 10, 0xc3]);
      await log.produce([
        { topic, key: 'b', value: binary },
        { topic, key: 't', value: 'héllo ✓' },
        { topic, key: 'n', value: null },
      ]);
      const got = await log.read(topic, 0, 0, 10);
      assert.ok(Buffer.isBuffer(got[0]!.value));
      assert.deepEqual([...got[0]!.value!], [...binary]);
      assert.deepEqual(got[1]!.value, Buffer.from('héllo ✓', 'utf8'));
      assert.equal(got[2]!.value, null);
    });

    it('keeps every text value of one produce whole, short or long, one after another', async () => {
      const log = await open();
      const topic = uniq('texts');
      await log.ensureTopics([{ name: topic, partitions: 1 }]);
      // Different lengths in a row (a value written over a shorter one), multi-byte text, the empty
      // string, a text at the limit of the Kafka log's 64 KiB produce buffer (21,845 UTF-16 units,
      // 3 bytes each at most) and texts over it.
      const texts = ['a longer first value ✓✓✓', 'b', '', 'ü'.repeat(21_845), 'x'.repeat(70_000), '€'.repeat(30_000), 'last'];
      await log.produce(texts.map((value, i) => ({ topic, key: `k${i}`, value })));
      const got = await log.read(topic, 0, 0, 10);
      assert.deepEqual(
        got.map((r) => r.value!.toString()),
        texts,
      );
    });

    it('refuses to produce to a topic that was never created', async () => {
      const log = await open();
      await assert.rejects(log.produce([{ topic: uniq('nope'), key: 'k', value: 'v' }]));
    });
  });
}
