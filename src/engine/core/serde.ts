import fastJson from 'fast-json-stringify';
import { text, utf8 } from './bytes.js';

/**
 * Turns record values into the bytes the log stores and back. JSON is the default; a binary format
 * (Avro with a schema registry, say) is another implementation, and nothing else changes.
 */
export interface Serde<T> {
  /** Format name, for reasons and logs: `json`. */
  readonly format: string;
  serialize(value: T): Uint8Array;
  /**
   * A text format's value as its text, whose UTF-8 bytes are what `serialize` returns. Producers
   * prefer it: the embedded log writes the text straight into its batch rows, one copy fewer.
   */
  serializeText?(value: T): string;
  /** The decoded value, not yet validated (the topic's schema does that). Throws on malformed bytes. */
  deserialize(bytes: Uint8Array): unknown;
  /**
   * Gets ready to deserialize these values (a registry-backed format fetches the writer schemas it
   * has not seen). Optional; the processor awaits it before each batch. Never throws: a value it
   * could not prepare for fails in `deserialize` with the reason.
   */
  prepare?(values: ReadonlyArray<Uint8Array | null>): Promise<void>;
}

/** Values as `JSON.stringify` writes them, in UTF-8: byte for byte what ytwatch has always written. */
export function jsonSerde<T>(): Serde<T> {
  return {
    format: 'json',
    serialize: (value) => utf8(JSON.stringify(value)),
    serializeText: (value) => JSON.stringify(value),
    deserialize: (bytes) => JSON.parse(text(bytes)) as unknown,
  };
}

/**
 * JSON written by a serializer compiled from the values' JSON Schema (fast-json-stringify, Fastify's):
 * 2–3× faster than `JSON.stringify` on fixed-shape records, and the same bytes for a value whose
 * keys come in the schema's order and are all in the schema (keys it lacks are left out). Integers
 * are written as numbers, never rounded; a value the compiled code cannot write (a non-finite
 * number) is written by `JSON.stringify`. `schema` is asked for and compiled at the first write, so
 * a process that never writes these values pays nothing at start-up. Reads are {@link jsonSerde}'s.
 */
export function compiledJsonSerde<T>(schema: () => object): Serde<T> {
  let write: ((value: unknown) => string) | undefined;
  const serializeText = (value: T): string => {
    write ??= fastJson(integersAsNumbers(schema()) as Parameters<typeof fastJson>[0]) as (value: unknown) => string;
    let out: string;
    try {
      out = write(value);
    } catch {
      return JSON.stringify(value);
    }
    // The compiled code builds the text piece by piece (a V8 rope); reading a character flattens it
    // now, so a record held until its commit is one string to the garbage collector, not dozens.
    out.charCodeAt(0);
    return out;
  };
  return { ...jsonSerde<T>(), serialize: (value) => utf8(serializeText(value)), serializeText };
}

/** `type: 'integer'` (which the compiled code would round) as `'number'`, everywhere in `schema`. */
function integersAsNumbers(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(integersAsNumbers);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    // The keyword holds a name or a list of names; an object there is a property called `type`.
    if (k === 'type' && typeof v === 'string') out[k] = v === 'integer' ? 'number' : v;
    else if (k === 'type' && Array.isArray(v)) out[k] = v.map((t) => (t === 'integer' ? 'number' : t));
    else out[k] = integersAsNumbers(v);
  }
  return out;
}
