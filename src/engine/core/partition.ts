/**
 * Kafka's default partitioner for keyed records (murmur2, as in the Java client and librdkafka's
 * `murmur2_random`), so the embedded log and Kafka put a key in the same partition. Twenty lines;
 * written here to keep `core/` free of dependencies.
 */
export function murmur2(data: Uint8Array, length = data.length): number {
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length & ~3;
  for (let i = 0; i < length4; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[length4 + 2]! << 16;
  if (rest >= 2) h ^= data[length4 + 1]! << 8;
  if (rest >= 1) {
    h ^= data[length4]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}

/** The partition of `key` among `partitions` (null keys go to partition 0). */
export function partitionFor(key: string | null, partitions: number): number {
  if (key === null || partitions <= 1) return 0;
  return (murmur2(...keyBytes(key)) & 0x7fffffff) % partitions;
}

let scratch = new Uint8Array(64);

/** The key's UTF-8 bytes; ASCII keys (ids) are copied into a reused buffer instead of a new one. */
function keyBytes(key: string): [Uint8Array, number] {
  const n = key.length;
  if (n > scratch.length) scratch = new Uint8Array(n * 2);
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c > 0x7f) {
      const bytes = Buffer.from(key, 'utf8');
      return [bytes, bytes.length];
    }
    scratch[i] = c;
  }
  return [scratch, n];
}
