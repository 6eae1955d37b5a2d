/**
 * The Avro schemas of the three data topics, derived from their zod records (`events.ts`), and the
 * serdes that write them with a schema registry. Internal topics (detect's state, notify's ledger,
 * dead letters) stay JSON: nobody outside reads them, and dead letters must hold any bytes.
 */
import type { z } from 'zod';
import { avroSchema, type AvroSchema } from '../../engine/avro/schema.js';
import { avroSerde, type AvroSerde } from '../../engine/avro/serde.js';
import type { SchemaRegistry } from '../../engine/avro/registry.js';
import { Alert, VideoChange, VideoEvent, VideoSnapshot, VideoUnavailable } from './events.js';
import type { Serdes } from './topics.js';

export const AVRO_NAMESPACE = 'io.ytwatch';

/** The data topics written in Avro, with the name of their record (or union). */
export const AVRO_TOPICS = {
  videos: { schema: VideoEvent as z.ZodTypeAny, name: 'VideoEvent' },
  changes: { schema: VideoChange as z.ZodTypeAny, name: 'VideoChange' },
  outbox: { schema: Alert as z.ZodTypeAny, name: 'Alert' },
} as const;
export type AvroTopic = keyof typeof AVRO_TOPICS;

const NAMES = new Map<z.ZodTypeAny, string>([
  [VideoSnapshot, 'VideoSnapshot'],
  [VideoUnavailable, 'VideoUnavailable'],
]);

/** The Avro schema of a data topic's values. */
export function topicAvroSchema(topic: AvroTopic): AvroSchema {
  const { schema, name } = AVRO_TOPICS[topic];
  return avroSchema(schema, name, { namespace: AVRO_NAMESPACE, names: NAMES });
}

/** One Avro serde per data topic, subjects `<prefixed topic>-value` (TopicNameStrategy); not yet registered. */
export function avroSerdes(registry: SchemaRegistry, topicName: (t: AvroTopic) => string): { serdes: Serdes; all: AvroSerde<unknown>[] } {
  const make = (t: AvroTopic) => avroSerde<never>({ registry, subject: `${topicName(t)}-value`, schema: topicAvroSchema(t) });
  const serdes = { videos: make('videos'), changes: make('changes'), outbox: make('outbox') };
  return { serdes, all: Object.values(serdes) as AvroSerde<unknown>[] };
}
