import type { LogRecord } from '../../core/log.js';

/** One record as a batch holds it: a text value is written as its UTF-8 bytes; headers already as their JSON text. */
export interface BatchEntry {
  key: string | null;
  value: Buffer | string | null;
  headers: string | null;
}

/** Most records one batch row holds, and the size past which a batch is closed early. */
export const BATCH_RECORDS = 512;
export const BATCH_BYTES = 256 * 1024;

/** Where batches are encoded: fresh memory for every batch row cost page faults and garbage collections. */
let scratch = Buffer.allocUnsafe(0);

/**
 * Packs consecutive records of one partition into one blob, as Kafka packs record batches: one row
 * per batch makes an append and a read one SQLite row per few hundred records instead of one per
 * record. Layout (little-endian): u32 count, u32 start of each record, then per record an i32
 * length (−1: null) and the bytes of its key, value and headers. The starts let a read begin at
 * any record without decoding the ones before it. The blob is a view of a buffer the next call
 * writes over: bind it (SQLite copies it) before encoding another.
 */
export function encodeBatch(entries: BatchEntry[]): Buffer {
  let bound = 4 + 4 * entries.length;
  for (const e of entries) {
    const v = e.value;
    bound += 12 + (e.key === null ? 0 : e.key.length * 3) + (v === null ? 0 : typeof v === 'string' ? v.length * 3 : v.length) + (e.headers === null ? 0 : e.headers.length * 3);
  }
  if (scratch.length < bound) scratch = Buffer.allocUnsafe(Math.max(bound, 2 * scratch.length));
  const buf = scratch;
  buf.writeUInt32LE(entries.length, 0);
  let pos = 4 + 4 * entries.length;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    buf.writeUInt32LE(pos, 4 + 4 * i);
    pos = writeText(buf, pos, e.key);
    const v = e.value;
    if (v === null) pos = buf.writeInt32LE(-1, pos);
    else if (typeof v === 'string') {
      const n = buf.write(v, pos + 4, 'utf8');
      buf.writeInt32LE(n, pos);
      pos += 4 + n;
    } else {
      pos = buf.writeInt32LE(v.length, pos);
      pos += v.copy(buf, pos);
    }
    pos = writeText(buf, pos, e.headers);
  }
  return buf.subarray(0, pos);
}

function writeText(buf: Buffer, pos: number, text: string | null): number {
  if (text === null) return buf.writeInt32LE(-1, pos);
  let n = 0;
  // Keys are short and mostly ASCII: copied here, they skip a native call each.
  if (text.length <= 64) {
    for (; n < text.length; n++) {
      const c = text.charCodeAt(n);
      if (c >= 0x80) break;
      buf[pos + 4 + n] = c;
    }
  }
  if (n < text.length) n = buf.write(text, pos + 4, 'utf8');
  buf.writeInt32LE(n, pos);
  return pos + 4 + n;
}

/**
 * Appends the records of `blob` (a batch whose first offset is `base`) from offset `from` on to
 * `out`, until `out` holds `max`. Values are views into the blob (read-only, as every record value).
 */
export function decodeBatch(topic: string, partition: number, base: number, ts: number, blob: Buffer, from: number, out: LogRecord[], max: number): void {
  const count = batchCount(blob);
  for (let i = Math.max(0, from - base); i < count && out.length < max; i++) {
    const { key, value, headers } = entryAt(blob, i);
    out.push({ topic, partition, offset: base + i, key, value, headers, timestamp: ts });
  }
}

/** How many records `blob` holds. */
export function batchCount(blob: Buffer): number {
  return blob.readUInt32LE(0);
}

/** The key of record `i` of `blob`, read alone (compaction reads every key, few values). */
export function keyAt(blob: Buffer, i: number): string | null {
  const pos = blob.readUInt32LE(4 + 4 * i);
  const keyLen = blob.readInt32LE(pos);
  return keyLen < 0 ? null : blob.toString('utf8', pos + 4, pos + 4 + keyLen);
}

/** Record `i` of `blob`: its value a view into the blob, its headers parsed. */
export function entryAt(blob: Buffer, i: number): { key: string | null; value: Buffer | null; headers: Record<string, string> | undefined } {
  let pos = blob.readUInt32LE(4 + 4 * i);
  const keyLen = blob.readInt32LE(pos);
  pos += 4;
  const key = keyLen < 0 ? null : blob.toString('utf8', pos, pos + keyLen);
  pos += Math.max(0, keyLen);
  const valueLen = blob.readInt32LE(pos);
  pos += 4;
  const value = valueLen < 0 ? null : blob.subarray(pos, pos + valueLen);
  pos += Math.max(0, valueLen);
  const headersLen = blob.readInt32LE(pos);
  pos += 4;
  const headers = headersLen < 0 ? undefined : (JSON.parse(blob.toString('utf8', pos, pos + headersLen)) as Record<string, string>);
  return { key, value, headers };
}
