import type { EventLog, ProduceRecord } from '../core/log.js';
import { partitionFor } from '../core/partition.js';
import { jsonSerde, type Serde } from '../core/serde.js';
import { readPartition } from './read.js';

/** A key as the store holds it: `value` null while its deletion is staged. */
interface Entry<V> {
  key: string;
  value: V | null;
  partition: number;
  staged: boolean;
}

export interface KeyedStoreOptions {
  /**
   * A topic that also gets the store's changes: at each commit, one record per key put or deleted
   * since the last one, with its latest value (a tombstone for a delete), in the same transaction as
   * the changelog. A table's stream of updates, as Kafka Streams' `KTable#toStream()` behind its
   * record cache: intermediate values never reach the topic. Every put counts, so a handler puts only
   * what changed. The values are the changelog's bytes, written by the store's serde: use it with a
   * serde whose bytes do not name their topic (JSON), not a schema-registry one. The topic must exist
   * when the store is restored.
   */
  changesTo?: string;
}

/**
 * A keyed state store backed by a compacted changelog topic (the Kafka Streams pattern). The map
 * lives in memory; every update is a changelog record that the owning processor writes in the same
 * transaction as its outputs and input offsets, so state and progress never disagree. The changelog
 * has as many partitions as the input topic and keys are placed by the same partitioner, so a member
 * restores exactly the partitions it was assigned.
 */
export class KeyedStore<V> {
  private readonly data = new Map<string, Entry<V>>();
  /** Keys updated since the last commit, in first-write order; each entry holds the latest value. */
  private staged: Entry<V>[] = [];
  /** Entries of `data` whose deletion is staged (they leave `data` when taken). */
  private deleted = 0;
  private partitions = 1;

  /** `serde` writes the changelog's values (and `changesTo`'s); default JSON. */
  constructor(
    private readonly log: EventLog,
    readonly topic: string,
    private readonly serde: Serde<V> = jsonSerde<V>(),
    private readonly options: KeyedStoreOptions = {},
  ) {}

  /** Loads the given changelog partitions (replacing what was held for them). */
  async restore(partitions: number[]): Promise<number> {
    this.partitions = await this.log.partitionCount(this.topic);
    // A missing output topic fails here, once, rather than every commit after it.
    if (this.options.changesTo !== undefined) await this.log.partitionCount(this.options.changesTo);
    this.drop(partitions);
    let loaded = 0;
    for (const p of partitions) {
      for await (const page of readPartition(this.log, this.topic, p)) {
        for (const r of page) {
          if (r.key === null) continue;
          if (r.value === null) this.data.delete(r.key);
          else this.data.set(r.key, { key: r.key, value: this.serde.deserialize(r.value) as V, partition: p, staged: false });
        }
        loaded += page.length;
      }
    }
    return loaded;
  }

  /** Forgets the keys of partitions this member no longer owns. */
  drop(partitions: number[]): void {
    const gone = new Set(partitions);
    for (const [key, entry] of this.data) {
      if (!gone.has(entry.partition)) continue;
      if (entry.value === null) this.deleted--;
      this.data.delete(key);
    }
  }

  get(key: string): V | undefined {
    return this.data.get(key)?.value ?? undefined;
  }

  get size(): number {
    return this.data.size - this.deleted;
  }

  put(key: string, value: V): void {
    let entry = this.data.get(key);
    if (!entry) this.data.set(key, (entry = { key, value, partition: partitionFor(key, this.partitions), staged: false }));
    else {
      if (entry.value === null) this.deleted--;
      entry.value = value;
    }
    this.stage(entry);
  }

  delete(key: string): void {
    let entry = this.data.get(key);
    if (entry?.value === null) return;
    // A key not held is deleted all the same: the changelog may hold it from before.
    if (!entry) this.data.set(key, (entry = { key, value: null, partition: partitionFor(key, this.partitions), staged: false }));
    entry.value = null;
    this.deleted++;
    this.stage(entry);
  }

  /**
   * The changelog records staged since the last call, one per key: its latest value (Kafka Streams'
   * record cache), each followed by its copy for `changesTo` when set. The processor commits them with
   * its batch, so a restore still yields exactly the state as of each commit; the values are
   * serialized here, once per key.
   */
  takeStaged(): ProduceRecord[] {
    const out: ProduceRecord[] = [];
    const serde = this.serde;
    const changes = this.options.changesTo;
    for (const entry of this.staged) {
      const { key, value } = entry;
      entry.staged = false;
      if (value === null && this.data.get(key) === entry) this.data.delete(key);
      const bytes = value === null ? null : serde.serializeText ? serde.serializeText(value) : serde.serialize(value);
      out.push({ topic: this.topic, key, value: bytes });
      if (changes !== undefined) out.push({ topic: changes, key, value: bytes });
    }
    this.staged = [];
    this.deleted = 0;
    return out;
  }

  private stage(entry: Entry<V>): void {
    if (entry.staged) return;
    entry.staged = true;
    this.staged.push(entry);
  }
}
