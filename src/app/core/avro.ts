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
    readsLikeJson(avroSerde<never>({ registry, subject: `${topicName(t)}-value`, schema: topicAvroSchema(t) }), AVRO_TOPICS[t].schema);
  const serdes = { videos: make('videos'), changes: make('changes'), outbox: make('outbox') };
  return { serdes, all: Object.values(serdes) as AvroSerde<unknown>[] };
}

/**
 * Avro has no "absent": a field only some branch of a union has, or one zod marks `.optional()`, is
 * written as null. Reading it back, such nulls are removed again (guided by the zod record, nested
 * unions included), so the value is what the JSON serde would give.
 */
export function fromAvro(schema: z.ZodTypeAny, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return fromAvro(schema.unwrap() as z.ZodTypeAny, value);
  if (schema instanceof z.ZodArray) return (value as unknown[]).map((v) => fromAvro(schema.element as z.ZodTypeAny, v));
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const branch = schema.optionsMap.get((value as Record<string, unknown>)[schema.discriminator] as string) as z.ZodTypeAny | undefined;
    return branch ? fromAvro(branch, value) : value;
  }
  if (!(schema instanceof z.ZodObject)) return value;
  const shape = schema.shape as Record<string, z.ZodTypeAny>;
  // avsc decodes a record as an instance of its generated class: a plain object has no inherited keys.
  const record: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [k, v] of Object.entries(record)) {
    const field = shape[k];
    if (v === null && (!field || (field.isOptional() && !field.isNullable()))) delete record[k];
    else if (field) record[k] = fromAvro(field, v);
  }
  return record;
}

function readsLikeJson<T>(serde: AvroSerde<T>, schema: z.ZodTypeAny): AvroSerde<T> {
  return { ...serde, deserialize: (bytes) => fromAvro(schema, serde.deserialize(bytes)) as T };
}
