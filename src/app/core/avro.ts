/**
 * The Avro schemas of the three data topics, derived from their zod records (`events.ts`), and the
 * serdes that write them with a schema registry. Internal topics (detect's state, notify's ledger,
 * dead letters) stay JSON: nobody outside reads them, and dead letters must hold any bytes.
 */
import { z } from 'zod';
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
  const make = (t: AvroTopic) =>
    dropAbsent(avroSerde<never>({ registry, subject: `${topicName(t)}-value`, schema: topicAvroSchema(t) }), absentWhenNull(AVRO_TOPICS[t].schema));
  const serdes = { videos: make('videos'), changes: make('changes'), outbox: make('outbox') };
  return { serdes, all: Object.values(serdes) as AvroSerde<unknown>[] };
}

/** Fields zod lets be absent but not null (`.optional()`): Avro can only write them as null. */
function absentWhenNull(schema: z.ZodTypeAny): string[] {
  const objects: z.AnyZodObject[] = schema instanceof z.ZodDiscriminatedUnion ? [...schema.options] : [schema as z.AnyZodObject];
  const fields = objects.flatMap((o) => Object.entries(o.shape as Record<string, z.ZodTypeAny>).filter(([, t]) => t.isOptional() && !t.isNullable()).map(([k]) => k));
  return [...new Set(fields)];
}

/** Reads such a field's null back as absent, so the record is what the JSON serde would give. */
function dropAbsent<T>(serde: AvroSerde<T>, fields: string[]): AvroSerde<T> {
  if (fields.length === 0) return serde;
  return {
    ...serde,
    deserialize(bytes) {
      const value = serde.deserialize(bytes) as Record<string, unknown>;
      for (const f of fields) if (value[f] === null) delete value[f];
      return value as T;
    },
  };
}
