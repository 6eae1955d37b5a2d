/** Subscriptions on Kafka: the same flow as `test/subscriptions.test.ts`, fresh topic prefix. */
import { subscriptionsSuite } from './cases/subscriptions.js';
import { ensureKafka, uniquePrefix } from './helpers/kafka.js';

subscriptionsSuite('kafka', async () => ({ KAFKA_BROKERS: await ensureKafka(), YTWATCH_TOPIC_PREFIX: uniquePrefix('subs') }));
