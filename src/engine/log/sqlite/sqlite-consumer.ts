import type { Consumer, ConsumerOptions, LogRecord, PartitionOffset, PollOptions, ProduceRecord, TopicPartition, Transaction } from '../../core/log.js';
import { partitionKey } from '../../core/log.js';
import { GroupLock } from './group-lock.js';

/** What a consumer needs of the embedded log (`SqliteLog` provides it), so the two files do not import each other. */
export interface SqliteGroupLog {
  readonly path: string;
  partitionCount(topic: string): Promise<number>;
  endOffsets(topic: string): Promise<Map<number, number>>;
  committedOffsets(group: string, topic: string): Promise<Map<number, number>>;
  readSync(topic: string, partition: number, fromOffset: number, maxRecords: number): LogRecord[];
  waitForAppend(topics: string[], ms: number, signal?: AbortSignal): Promise<void>;
  commitTransaction(group: string, produce: ProduceRecord[], offsets: PartitionOffset[]): void;
}

/**
 * The single member of a consumer group on the embedded log (a lock file keeps out a second one,
 * in any process); it is assigned every partition.
 */
export class SqliteConsumer implements Consumer {
  private readonly positions = new Map<string, number>();
  private partitions: TopicPartition[] = [];
  private next = 0;
  private closed = false;
  private readonly lock: GroupLock;

  constructor(
    private readonly log: SqliteGroupLog,
    private readonly options: ConsumerOptions,
  ) {
    this.lock = GroupLock.for(log.path, options.group);
  }

  async start(): Promise<void> {
    this.lock.acquire(this.options.group);
    const assigned: TopicPartition[] = [];
    for (const topic of this.options.topics) {
      const count = await this.log.partitionCount(topic);
      for (let partition = 0; partition < count; partition++) assigned.push({ topic, partition });
    }
    this.partitions = assigned;
    await this.rewind();
    await this.options.onAssign?.(assigned);
  }

  async rewind(): Promise<void> {
    this.positions.clear();
    for (const topic of this.options.topics) {
      const committed = await this.log.committedOffsets(this.options.group, topic);
      for (const tp of this.partitions.filter((p) => p.topic === topic)) {
        this.positions.set(key(tp), committed.get(tp.partition) ?? 0);
      }
    }
  }

  async poll(options: PollOptions = {}): Promise<LogRecord[]> {
    const max = options.maxRecords ?? 500;
    const deadline = Date.now() + (options.timeoutMs ?? 1000);
    for (;;) {
      if (this.closed) return [];
      const records = this.take(max);
      if (records.length > 0 || options.signal?.aborted) return records;
      const left = deadline - Date.now();
      if (left <= 0) return [];
      // Appends by this process wake us at once; other processes' appends are seen on the next check.
      await this.log.waitForAppend(this.options.topics, Math.min(left, 200), options.signal);
    }
  }

  private take(max: number): LogRecord[] {
    const out: LogRecord[] = [];
    const n = this.partitions.length;
    for (let i = 0; i < n && out.length < max; i++) {
      const tp = this.partitions[(this.next + i) % n]!;
      const from = this.positions.get(key(tp)) ?? 0;
      const batch = this.log.readSync(tp.topic, tp.partition, from, max - out.length);
      if (batch.length > 0) {
        this.positions.set(key(tp), batch[batch.length - 1]!.offset + 1);
        out.push(...batch);
      }
    }
    this.next = n === 0 ? 0 : (this.next + 1) % n;
    return out;
  }

  async commit(tx: Transaction): Promise<void> {
    try {
      this.log.commitTransaction(this.options.group, tx.produce ?? [], tx.offsets);
    } catch (err) {
      await this.rewind();
      throw err;
    }
  }

  assignment(): TopicPartition[] {
    return [...this.partitions];
  }

  async lag(): Promise<number> {
    let lag = 0;
    for (const topic of this.options.topics) {
      const ends = await this.log.endOffsets(topic);
      const committed = await this.log.committedOffsets(this.options.group, topic);
      for (const [p, end] of ends) lag += end - (committed.get(p) ?? 0);
    }
    return lag;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.options.onRevoke?.(this.partitions);
    } finally {
      this.lock.release();
    }
  }
}

function key(tp: TopicPartition): string {
  return partitionKey(tp.topic, tp.partition);
}
