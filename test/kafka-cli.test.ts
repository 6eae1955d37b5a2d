/**
 * Kafka-mode acceptance: the same flow as `test/cli-run.test.ts` (120-video playlist, exact alerts,
 * none on a rerun, a 429 flood) with `KAFKA_BROKERS` set and a fresh topic prefix.
 */
import { acceptanceSuite } from './cases/acceptance.js';
import { ensureKafka, uniquePrefix } from './helpers/kafka.js';

acceptanceSuite('kafka', async () => ({ KAFKA_BROKERS: await ensureKafka(), YTWATCH_TOPIC_PREFIX: uniquePrefix('acceptance') }));
