/**
 * A processor whose batches are several polls (`maxPoll`) on a real Kafka broker, joined by a
 * second member while it works: the rebalance lands between two polls of a batch, and every input
 * still yields exactly one output (a batch never commits records of partitions it lost).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { EventLog } from '../src/engine/core/log.js';
import { createKafkaLog } from '../src/engine/log/kafka/index.js';
import { Processor } from '../src/engine/stream/processor.js';
import { readAll } from './cases/kafka-tools.js';
import { ensureKafka, uniquePrefix } from './helpers/kafka.js';

const INPUTS = 12_000;
const PARTITIONS = 6;

let log: EventLog;
before(async () => {
  const brokers = await ensureKafka();
  log = await createKafkaLog({ brokers: brokers.split(','), clientId: 'ytwatch-rebalance-test', defaultPartitions: PARTITIONS });
});
after(async () => {
  await log?.close();
});

it('maxPoll batches on Kafka: a member joining mid-batch leaves every input with exactly one output', async (t) => {
  const prefix = uniquePrefix('rebalance');
  const [input, output, dlq] = ['in', 'out', 'dlq'].map((n) => `${prefix}${n}`) as [string, string, string];
  await log.ensureTopics([input, output, dlq].map((name) => ({ name, partitions: PARTITIONS })));
  for (let i = 0; i < INPUTS; i += 2000) {
    await log.produce(Array.from({ length: 2000 }, (_, k) => ({ topic: input, key: `k${i + k}`, value: String(i + k) })));
  }
  const handledBy = [0, 0];
  const member = (n: number) =>
    new Processor<string>({
      log,
      stage: 'copy',
      group: `${prefix}copy`,
      input,
      parse: (r) => ({ ok: true, value: r.value!.toString() }),
      deadLetterTopic: dlq,
      maxBatch: 600,
      maxPoll: 20,
      pipelined: true,
      handle: async (items, ctx) => {
        for (const { record, value } of items) ctx.emit({ topic: output, key: record.key, value });
        handledBy[n]! += items.length;
        // Slow enough that the second member joins while the first is inside a batch.
        await new Promise((resolve) => setTimeout(resolve, 10));
      },
    });
  const signal = new AbortController().signal;
  const run = async (p: Processor<string>) => {
    for (let idle = 0; idle < 3; ) {
      const n = await p.step(signal, 100);
      idle = n === 0 && (await p.lag()) === 0 ? idle + 1 : 0;
    }
  };
  const first = member(0);
  await first.start();
  const firstRuns = run(first);
  while (handledBy[0]! < 1000) await new Promise((resolve) => setTimeout(resolve, 10));
  const second = member(1);
  await second.start();
  await Promise.all([firstRuns, run(second)]);
  await first.close();
  await second.close();

  const values = (await readAll(log, output)).map((r) => r.value!.toString());
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const doubled = [...counts].filter(([, c]) => c > 1).length;
  t.diagnostic(`outputs=${values.length} distinct=${counts.size} doubled=${doubled} handled=${JSON.stringify(handledBy)}`);
  assert.ok(handledBy[1]! > 0, 'the second member took partitions over and handled some of them');
  assert.equal(counts.size, INPUTS, 'every input has an output');
  assert.equal(values.length, INPUTS, 'no input has two');
});
