/**
 * Kafka-mode acceptance in Avro: the flow of `test/cli-run.test.ts` (120-video playlist, exact
 * alerts, none on a rerun, a 429 flood) with `YTWATCH_FORMAT=avro` and a real schema registry
 * (Apicurio's Confluent API, `test/helpers/schema-registry.ts`).
 */
import assert from 'node:assert/strict';
import { acceptanceSuite } from './cases/acceptance.js';
import { assertAllAvro } from './helpers/avro.js';
import { ensureKafka, uniquePrefix } from './helpers/kafka.js';
import { ensureRegistry } from './helpers/schema-registry.js';

acceptanceSuite(
  'kafka, Avro',
  async () => ({ KAFKA_BROKERS: await ensureKafka(), SCHEMA_REGISTRY_URL: await ensureRegistry(), YTWATCH_FORMAT: 'avro', YTWATCH_TOPIC_PREFIX: uniquePrefix('acceptance-avro') }),
  {
    name: 'every data record is Avro in the wire format, subjects registered BACKWARD, nothing dead-lettered',
    check: async (env) => {
      await assertAllAvro(env);
      for (const t of ['youtube_videos', 'youtube_changes', 'telegram_outbox']) {
        const subject = `${env.YTWATCH_TOPIC_PREFIX}${t}-value`;
        const config = (await (await fetch(`${env.SCHEMA_REGISTRY_URL}/config/${subject}`)).json()) as { compatibilityLevel: string };
        assert.equal(config.compatibilityLevel, 'BACKWARD', subject);
        assert.deepEqual(await (await fetch(`${env.SCHEMA_REGISTRY_URL}/subjects/${subject}/versions`)).json(), [1], subject);
      }
    },
  },
);
