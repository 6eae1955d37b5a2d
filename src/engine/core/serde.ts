import { text, utf8 } from './bytes.js';

/**
 * Turns record values into the bytes the log stores and back. JSON is the default; a binary format
 * (Avro with a schema registry, say) is another implementation, and nothing else changes.
 */
export interface Serde<T> {
  /** Format name, for reasons and logs: `json`. */
  readonly format: string;
  serialize(value: T): Uint8Array;
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
    deserialize: (bytes) => JSON.parse(text(bytes)) as unknown,
  };
}
