/** The Telegram bot on Kafka: the same flow as `test/bot.test.ts`, fresh topic prefix. */
import { botSuite } from './cases/bot.js';
import { ensureKafka, uniquePrefix } from './helpers/kafka.js';

botSuite('kafka', async () => ({ KAFKA_BROKERS: await ensureKafka(), YTWATCH_TOPIC_PREFIX: uniquePrefix('bot') }));
