import type { EventLog, ProduceRecord } from '../core/log.js';
import { partitionFor } from '../core/partition.js';
import { jsonSerde, type Serde } from '../core/serde.js';
import { readPartition } from './read.js';

/**
 * A keyed state store backed by a compacted changelog topic (the Kafka Streams pattern). The map
 * lives in memory; every update is a changelog record that the owning processor writes in the same
 * transaction as its outputs and input offsets, so state and progress never disagree. The changelog
 * has as many partitions as the input topic and keys are placed by the same partitioner, so a member
 * restores exactly the partitions it was assigned.
 */
export class KeyedStore<V> {
  private readonly data = new Map<string, { value: V; partition: number }>();
  /** Latest staged value per key since the last commit (`null`: deleted), in first-write order. */
  private staged = new Map<string, { value: V | null; partition: number }>();
  private partitions = 1;

  /** `serde` writes the changelog's values; default JSON. */
  constructor(
    private readonly log: EventLog,
    readonly topic: string,
    private readonly serde: Serde<V> = jsonSerde<V>(),
  ) {}

  /** Loads the given changelog partitions (replacing what was held for them). */
  async restore(partitions: number[]): Promise<number> {
    this.partitions = await this.log.partitionCount(this.topic);
    this.drop(partitions);
    let loaded = 0;
    for (const p of partitions) {
      for await (const page of readPartition(this.log, this.topic, p)) {
        for (const r of page) {
          if (r.key === null) continue;
          if (r.value === null) this.data.delete(r.key);
          else this.data.set(r.key, { value: this.serde.deserialize(r.value) as V, partition: p });
        }
        loaded += page.length;
      }
    }
    return loaded;
  }

  /** Forgets the keys of partitions this member no longer owns. */
  drop(partitions: number[]): void {
    const gone = new Set(partitions);
    for (const [key, entry] of this.data) if (gone.has(entry.partition)) this.data.delete(key);
  }

  get(key: string): V | undefined {
    return this.data.get(key)?.value;
  }

  get size(): number {
    return this.data.size;
  }

  put(key: string, value: V): void {
    const held = this.data.get(key);
    const partition = held ? held.partition : partitionFor(key, this.partitions);
    if (held) held.value = value;
    else this.data.set(key, { value, partition });
    const staged = this.staged.get(key);
    if (staged) staged.value = value;
    else this.staged.set(key, { value, partition });
  }

  delete(key: string): void {
    const held = this.data.get(key);
    this.data.delete(key);
    const partition = held ? held.partition : partitionFor(key, this.partitions);
    const staged = this.staged.get(key);
    if (staged) staged.value = null;
    else this.staged.set(key, { value: null, partition });
  }

  /**
   * The changelog records staged since the last call, one per key: its latest value (Kafka Streams'
   * record cache). The processor commits them with its batch, so a restore still yields exactly the
   * state as of each commit; the values are serialized here, once per key.
   */
  takeStaged(): ProduceRecord[] {
    const out: ProduceRecord[] = [];
    for (const [key, { value }] of this.staged) {
      out.push({ topic: this.topic, key, value: value === null ? null : this.serde.serialize(value) });
    }
    this.staged.clear();
    return out;
  }
}
