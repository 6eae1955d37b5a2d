/** Checks of what an Avro run wrote, shared by the embedded and Kafka acceptance runs. */
import assert from 'node:assert/strict';
import { createEventLog } from '../../src/engine/log/create.js';
import { readTopic } from '../../src/engine/stream/read.js';
import { names } from '../../src/app/core/topics.js';

/**
 * Every record on the three data topics is in the Confluent wire format (magic byte 0, a schema
 * id), and nothing was dead-lettered; returns the record counts per topic.
 */
export async function assertAllAvro(env: Record<string, string>): Promise<Record<string, number>> {
  const n = names(env.YTWATCH_TOPIC_PREFIX ?? '');
  const log = await createEventLog({ dataDir: env.YTWATCH_DATA_DIR!, kafkaBrokers: env.KAFKA_BROKERS });
  try {
    const counts: Record<string, number> = {};
    for (const t of ['videos', 'changes', 'outbox'] as const) {
      const records = await readTopic(log, n.topic(t));
      assert.ok(records.length > 0, `${n.topic(t)} is empty`);
      for (const r of records) assert.equal(r.value?.[0], 0, `${n.topic(t)} holds a value without the magic byte`);
      counts[n.topic(t)] = records.length;
    }
    assert.deepEqual(await readTopic(log, n.topic('deadLetters')), [], 'no dead letters');
    return counts;
  } finally {
    await log.close();
  }
}
