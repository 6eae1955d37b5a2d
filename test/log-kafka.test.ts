/**
 * The event-log contract on a real Apache Kafka broker (`ensureKafka()` starts the local one when
 * none runs, and fails the suite when it cannot). Topic and group names are unique per test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKafkaLog } from '../src/engine/log/kafka/index.js';
import { logContract, pollUntil } from './contract/log.contract.js';
import { ensureKafka, uniquePrefix } from './helpers/kafka.js';

logContract('kafka', {
  open: async () => {
    const brokers = await ensureKafka();
    return createKafkaLog({ brokers: brokers.split(','), clientId: 'ytwatch-contract', defaultPartitions: 1 });
  },
});

describe('kafka log: more records than the client queue holds', () => {
  it('a produce and a transaction of 10× the queue both go through, in order', async () => {
    const brokers = await ensureKafka();
    // librdkafka's queue holds 100,000 messages by default; a batch with a large fan-out can hold more.
    const log = await createKafkaLog({ brokers: brokers.split(','), clientId: 'ytwatch-queue', config: { 'queue.buffering.max.messages': 50 } });
    try {
      const p = uniquePrefix('queue');
      const [input, output] = [`${p}in`, `${p}out`];
      await log.ensureTopics([{ name: input, partitions: 1 }, { name: output, partitions: 1 }]);
      const n = 500;
      await log.produce(Array.from({ length: n }, (_, i) => ({ topic: input, key: 'k', value: String(i) })));
      const consumer = await log.consumer({ group: `${p}g`, topics: [input] });
      const got = await pollUntil(consumer, n);
      assert.equal(got.length, n);
      await consumer.commit({
        produce: got.map((r) => ({ topic: output, key: 'k', value: `out ${r.value!.toString()}` })),
        offsets: [{ topic: input, partition: 0, offset: got.at(-1)!.offset + 1 }],
      });
      await consumer.close();
      const reader = await log.consumer({ group: `${p}r`, topics: [output] });
      const out = await pollUntil(reader, n);
      await reader.close();
      assert.deepEqual(
        out.map((r) => r.value!.toString()),
        Array.from({ length: n }, (_, i) => `out ${i}`),
      );
    } finally {
      await log.close();
    }
  });
});
