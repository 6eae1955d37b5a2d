/** Record values are bytes; these convert the text formats (JSON) to and from them. */

const decoder = new TextDecoder();
const strict = new TextDecoder('utf-8', { fatal: true });

/** The UTF-8 bytes of `text`, as a Buffer (a Uint8Array every Node API takes). */
export function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** `bytes` as UTF-8 text; invalid sequences become U+FFFD (as Kafka clients decode strings). */
export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** `bytes` as UTF-8 text, or `undefined` when they are not valid UTF-8 (a binary format). */
export function strictText(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A Buffer view of `bytes` without copying (SQLite and the Kafka client take Buffers). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A produce value: bytes as they are, text as its UTF-8 bytes. */
export function toBytes(value: Uint8Array | string): Buffer {
  return typeof value === 'string' ? utf8(value) : asBuffer(value);
}
