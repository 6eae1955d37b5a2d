import type { EventLog, LogRecord, ProduceRecord } from '../../engine/core/log.js';
import { originalValue } from '../../engine/core/records.js';
import type { Names } from '../core/topics.js';
import { nextOffsets } from '../../engine/stream/processor.js';
import { readTopic } from '../../engine/stream/read.js';
import { SINK_HEADER } from '../stages/notify.js';

const REPLAY_GROUP = 'ytwatch-dlq-replay';

/** Every dead letter, marked replayed when `dlq replay` already re-queued it. */
export async function listDeadLetters(log: EventLog, names: Names): Promise<Array<{ record: LogRecord; replayed: boolean }>> {
  const topic = names.topic('deadLetters');
  const committed = await log.committedOffsets(names.prefix + REPLAY_GROUP, topic);
  const out = (await readTopic(log, topic)).map((record) => ({ record, replayed: record.offset < (committed.get(record.partition) ?? 0) }));
  return out.sort((a, b) => a.record.timestamp - b.record.timestamp);
}

/**
 * Re-queues each not yet replayed dead letter's original value to its original topic, and marks it
 * replayed, in one transaction per batch: each dead letter is replayed once.
 */
export async function drainDeadLetters(log: EventLog, names: Names): Promise<number> {
  const topic = names.topic('deadLetters');
  const consumer = await log.consumer({ group: names.prefix + REPLAY_GROUP, topics: [topic] });
  let total = 0;
  try {
    for (;;) {
      const records = await consumer.poll({ timeoutMs: 500, maxRecords: 500 });
      if (records.length === 0) {
        if ((await consumer.lag()) === 0) return total;
        continue;
      }
      const produce: ProduceRecord[] = [];
      for (const r of records) {
        const parsed = names.of('deadLetters').parse(r.value);
        if (!parsed.ok || parsed.value.value === null) continue;
        const { topic: original, key, sink } = parsed.value;
        // A notify failure names its sink: the replay goes to that sink only.
        produce.push({ topic: original, key, value: originalValue(parsed.value), ...(sink ? { headers: { [SINK_HEADER]: sink } } : {}) });
      }
      await consumer.commit({ produce, offsets: nextOffsets(records) });
      total += produce.length;
    }
  } finally {
    await consumer.close();
  }
}
