import type { z } from 'zod';
import type { ProduceRecord, TopicSpec } from './log.js';
import { jsonSerde, type Serde } from './serde.js';

/** The outcome of parsing one value: the record, or a readable reason it is poison. */
export type Parsed<V> = { ok: true; value: V } | { ok: false; reason: string };

/**
 * One topic of a catalogue: its name, the one schema of its records, their key and their serde.
 * Every emit and parse site goes through it, so a record shape is written once.
 */
export interface TopicDef<T> {
  /** Name before any deployment prefix. */
  readonly name: string;
  /** The records' shape; parsing is strict and a value that fails it is poison. */
  readonly schema: z.ZodType<T, z.ZodTypeDef, unknown>;
  /** Default JSON. */
  readonly serde: Serde<T>;
  /** The partitioning key of a value; topics whose key is not in the value (state) pass it explicitly. */
  readonly key?: (value: T) => string | null;
  /** A compacted topic (a state changelog). */
  readonly compacted?: boolean;
  /** A fixed partition count; otherwise the deployment's. */
  readonly partitions?: number;
  /**
   * A hand-checked fast path for hot topics: returns the value when the decoded input certainly
   * passes `schema` (and equals what `schema` returns), `undefined` to let `schema` decide.
   */
  readonly fast?: (decoded: unknown) => T | undefined;
}

export function defineTopic<T>(def: Omit<TopicDef<T>, 'serde'> & { serde?: Serde<T> }): TopicDef<T> {
  return { ...def, serde: def.serde ?? jsonSerde<T>() };
}

/** A topic definition under its deployed (prefixed) name: builds records to produce, parses values read. */
export interface Topic<T> {
  readonly name: string;
  readonly def: TopicDef<T>;
  /** A record of `value` for this topic; the key defaults to the definition's. */
  record(value: T, options?: { key?: string | null; headers?: Record<string, string> }): ProduceRecord;
  /** The value of a record read from this topic, validated, or why it is poison. */
  parse(value: Uint8Array | null): Parsed<T>;
  /** Readies the serde for these values (see {@link Serde.prepare}); call before `parse` on a batch. */
  prepare(values: ReadonlyArray<Uint8Array | null>): Promise<void>;
  /** How to create the topic, given the deployment's partition count. */
  spec(partitions: number): TopicSpec;
}

export function bindTopic<T>(def: TopicDef<T>, name = def.name): Topic<T> {
  return {
    name,
    def,
    record: (value, options) => {
      const out: ProduceRecord = {
        topic: name,
        key: options?.key !== undefined ? options.key : (def.key?.(value) ?? null),
        value: def.serde.serializeText ? def.serde.serializeText(value) : def.serde.serialize(value),
      };
      if (options?.headers) out.headers = options.headers;
      return out;
    },
    parse: (value) => parseValue(def.schema, def.serde, value, def.fast),
    prepare: async (values) => def.serde.prepare?.(values),
    spec: (partitions) => ({ name, partitions: def.partitions ?? partitions, compacted: def.compacted ?? false }),
  };
}

/** Deserializes and validates one value, returning a readable reason instead of throwing. */
export function parseValue<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  serde: Serde<unknown>,
  value: Uint8Array | null,
  fast?: (decoded: unknown) => T | undefined,
): Parsed<T> {
  if (value === null) return { ok: false, reason: 'empty value (tombstone) on a data topic' };
  let decoded: unknown;
  try {
    decoded = serde.deserialize(value);
  } catch (err) {
    return { ok: false, reason: `not ${serde.format === 'json' ? 'JSON' : serde.format === 'avro' ? 'Avro' : serde.format}: ${(err as Error).message}` };
  }
  const quick = fast?.(decoded);
  if (quick !== undefined) return { ok: true, value: quick };
  const res = schema.safeParse(decoded);
  if (res.success) return { ok: true, value: res.data };
  const issue = res.error.issues[0]!;
  return { ok: false, reason: `invalid: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
}
