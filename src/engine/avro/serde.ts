/**
 * Avro values in the Confluent wire format: magic byte 0, the writer schema's id (4 bytes, big
 * endian), then the Avro binary payload. Writing uses the schema registered at start
 * ({@link AvroSerde.register}); reading follows each record's writer id, resolved against the
 * current schema (Avro schema resolution), so records written before an upgrade stay readable.
 *
 * `serialize`/`deserialize` are synchronous like every serde; the registry is asked beforehand:
 * `prepare` (called by the processor for each batch) fetches the writer schemas not seen yet,
 * retrying a registry that is unreachable or answers 5xx. A value whose schema cannot be had (id
 * unknown to the registry, registry still down after the retries, no magic byte) fails to
 * deserialize with that reason, and so is dead-lettered rather than stopping the stage.
 */
import avro from 'avsc';
import { describeError } from '../core/errors.js';
import { retry } from '../core/retry.js';
import type { Serde } from '../core/serde.js';
import type { AvroSchema } from './schema.js';
import type { SchemaRegistry } from './registry.js';

export const MAGIC = 0;

export interface AvroSerde<T> extends Serde<T> {
  readonly subject: string;
  readonly schema: AvroSchema;
  /** Registers the schema (BACKWARD compatibility) and makes it the writer schema; returns its id. */
  register(): Promise<number>;
  prepare(values: ReadonlyArray<Uint8Array | null>): Promise<void>;
}

export interface AvroSerdeOptions {
  registry: SchemaRegistry;
  /** `<topic>-value` (TopicNameStrategy). */
  subject: string;
  schema: AvroSchema;
  /** Registry look-ups per unknown id before the record is given up (default 4, backing off up to 2 s). */
  attempts?: number;
}

export function avroSerde<T>(options: AvroSerdeOptions): AvroSerde<T> {
  const { registry, subject, schema } = options;
  const reader = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: 'auto' });
  const resolvers = new Map<number, avro.Resolver | null>();
  const failures = new Map<number, string>();
  let header: Buffer | undefined;

  return {
    format: 'avro',
    subject,
    schema,
    async register() {
      const id = await registry.register(subject, JSON.stringify(schema));
      resolvers.set(id, null);
      header = Buffer.alloc(5);
      header.writeUInt8(MAGIC, 0);
      header.writeUInt32BE(id, 1);
      return id;
    },
    serialize(value) {
      if (!header) throw new Error(`${subject}: the Avro schema is not registered yet (call register() at start)`);
      return Buffer.concat([header, reader.toBuffer(value)]);
    },
    deserialize(bytes) {
      const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (buf.length < 5 || buf[0] !== MAGIC) {
        throw new Error(`no magic byte 0 (not the Confluent wire format; first byte 0x${(buf[0] ?? 0).toString(16).padStart(2, '0')})`);
      }
      const id = buf.readUInt32BE(1);
      const resolver = resolvers.get(id);
      if (resolver === undefined) throw new Error(failures.get(id) ?? `writer schema id ${id} not fetched from ${registry.where}`);
      return reader.fromBuffer(buf.subarray(5), resolver ?? undefined) as unknown;
    },
    async prepare(values) {
      const ids = new Set<number>();
      for (const v of values) if (v && v.length >= 5 && v[0] === MAGIC) ids.add(Buffer.from(v.buffer, v.byteOffset, 5).readUInt32BE(1));
      for (const id of ids) {
        if (resolvers.has(id)) continue;
        try {
          const text = await retry(() => registry.schemaById(id, subject), { attempts: options.attempts ?? 4, baseDelayMs: 250, maxDelayMs: 2000 });
          const writer = avro.Type.forSchema(JSON.parse(text) as avro.Schema, { wrapUnions: 'auto' });
          resolvers.set(id, reader.createResolver(writer));
          failures.delete(id);
        } catch (err) {
          failures.set(id, `writer schema id ${id}: ${describeError(err)}`);
        }
      }
    },
  };
}

