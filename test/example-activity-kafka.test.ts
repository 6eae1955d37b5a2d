/** Seed 004's job on Apache Kafka: the example with `KAFKA_BROKERS` and a fresh topic prefix per test. */
import { before } from 'node:test';
import { exampleSuite } from './cases/example-activity.js';
import { ensureKafka, uniquePrefix } from './helpers/kafka.js';

let brokers = '';
before(async () => {
  brokers = await ensureKafka();
});

exampleSuite('kafka', () => ({ KAFKA_BROKERS: brokers, YTWATCH_TOPIC_PREFIX: uniquePrefix('activity') }));
