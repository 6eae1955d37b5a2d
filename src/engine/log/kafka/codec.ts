import type { LogRecord, ProduceRecord } from '../../core/log.js';
import type { NativeMessage, NativeProducer } from './native.js';
import { toBytes } from '../../core/bytes.js';

/** Records with their partitions chosen (by `partitionFor`, as on the embedded log), side by side: no record is copied. */
export interface PlacedBatch {
  readonly records: readonly ProduceRecord[];
  readonly partitions: Int32Array;
}

/** Appends the batch's `i`-th record to a native producer's queue (throws when the queue is full). */
export function enqueue(producer: NativeProducer, batch: PlacedBatch, i: number, opaque?: unknown): void {
  const r = batch.records[i]!;
  const headers = r.headers ? Object.entries(r.headers).map(([k, v]) => ({ [k]: v })) : undefined;
  producer.produce(r.topic, batch.partitions[i]!, r.value === null ? null : toBytes(r.value), r.key, null, opaque, headers);
}

/** A consumed message as a {@link LogRecord}: UTF-8 key, the value's bytes, headers as a plain object. */
export function toRecord(m: NativeMessage): LogRecord {
  const key = m.key === undefined || m.key === null ? null : m.key.toString();
  const timestamp = m.timestamp ?? Date.now();
  // Runs once per consumed record: no spread, no empty array or object when there are no headers.
  if (!m.headers || m.headers.length === 0) return { topic: m.topic, partition: m.partition, offset: m.offset, key, value: m.value, timestamp };
  const headers: Record<string, string> = {};
  for (const h of m.headers) for (const k in h) headers[k] = h[k]!.toString();
  return { topic: m.topic, partition: m.partition, offset: m.offset, key, value: m.value, headers, timestamp };
}
