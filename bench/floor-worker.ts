/**
 * ytwatch's engine with no app work, for bench/kstreams.ts: `floor-worker.ts BROKERS INPUT PREFIX
 * PARTITIONS N`. The Processor on the Kafka log with Kafka detect's batching (`detectBatching`) and
 * a handler that forwards each snapshot's text to three topics under PREFIX (detect writes 2.94
 * records per snapshot here), with no parsing, detecting or serialising. What is left of ytwatch's
 * main-thread time once that work is gone (moved to another thread, say). Prints one JSON line:
 * snapshots/s and the main thread's busy µs per snapshot.
 */
import { detectBatching } from '../src/app/stages/detect.js';
import { createEventLog } from '../src/engine/log/create.js';
import { Processor } from '../src/engine/stream/processor.js';
import { timedDrain } from './kstreams.js';
import { withTempDir } from './util.js';

const [brokers, input, prefix, partitions, total] = process.argv.slice(2);
const n = Number(total);
const res = await withTempDir(async (dir) => {
  const log = await createEventLog({ dataDir: dir, kafkaBrokers: brokers!, partitions: Number(partitions), clientId: 'ytwatch-bench' });
  try {
    const outputs = ['a', 'b', 'c'].map((t) => `${prefix}${t}`);
    await log.ensureTopics([...outputs, `${prefix}dead`].map((name) => ({ name, partitions: Number(partitions) })));
    const processor = new Processor<null>({
      log,
      stage: 'floor',
      group: `${prefix}group`,
      input: input!,
      deadLetterTopic: `${prefix}dead`,
      parse: () => ({ ok: true, value: null }),
      ...detectBatching(log.kind),
      handle: (items, ctx) => {
        for (const { record } of items) {
          const text = record.value!.toString();
          for (const topic of outputs) ctx.emit({ topic, key: record.key, value: text });
        }
      },
    });
    const t = await timedDrain(processor as Processor<unknown>);
    return { perSec: Math.round(n / ((t.end - t.start) / 1000)), mainUsPerSnapshot: Number(((t.mainS * 1e6) / n).toFixed(2)) };
  } finally {
    await log.close();
  }
});
process.stdout.write(`${JSON.stringify(res)}\n`);
