import type { EventLog, LogRecord, ProduceRecord } from '../core/log.js';
import { DeadLetter, parseRecord } from '../core/events.js';
import type { Names } from '../core/topics.js';
import { nextOffsets } from '../stream/processor.js';

const REPLAY_GROUP = 'ytwatch-dlq-replay';

/** Every dead letter, marked replayed when `dlq replay` already re-queued it. */
export async function listDeadLetters(log: EventLog, names: Names): Promise<Array<{ record: LogRecord; replayed: boolean }>> {
  const topic = names.topic('deadLetters');
  const committed = await log.committedOffsets(names.prefix + REPLAY_GROUP, topic);
  const ends = await log.endOffsets(topic);
  const out: Array<{ record: LogRecord; replayed: boolean }> = [];
  for (const [partition, end] of ends) {
    let from = 0;
    while (from < end) {
      const batch = await log.read(topic, partition, from, 1000);
      if (batch.length === 0) break;
      for (const record of batch) out.push({ record, replayed: record.offset < (committed.get(partition) ?? 0) });
      from = batch[batch.length - 1]!.offset + 1;
    }
  }
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
        const parsed = parseRecord(DeadLetter, r.value);
        if (parsed.ok && parsed.value.value !== null) produce.push({ topic: parsed.value.topic, key: parsed.value.key, value: parsed.value.value });
      }
      await consumer.commit({ produce, offsets: nextOffsets(records) });
      total += produce.length;
    }
  } finally {
    await consumer.close();
  }
}
