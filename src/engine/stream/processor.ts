import type { Consumer, EventLog, LogRecord, PartitionOffset, PollOptions, ProduceRecord, TopicPartition } from '../core/log.js';
import { partitionKey } from '../core/log.js';
import { DEAD_LETTERS, letterValue, type DeadLetter } from '../core/records.js';
import { bindTopic, type Parsed, type Topic } from '../core/topic.js';
import { yieldToLoop } from '../core/time.js';
import type { KeyedStore } from './state.js';

export type { Parsed };

/**
 * Records parsed between two turns of the event loop. A commit is a chain of native calls, each
 * continued from a callback: parsing 20,000 records in one go would hold every step of it back.
 */
const PARSE_SLICE = 2000;

export interface Item<V> {
  record: LogRecord;
  value: V;
}

/** What a handler can do besides returning: emit records, touch state, dead-letter an item. */
export interface ProcessContext {
  emit(record: ProduceRecord): void;
  deadLetter(record: LogRecord, reason: string, extra?: Partial<DeadLetter>): void;
  signal: AbortSignal;
}

/** The input: a typed topic (parsed by its schema and serde), or a topic name with a parse function. */
export type ProcessorInput<V> = { input: Topic<V>; parse?: (record: LogRecord) => Parsed<V> } | { input: string; parse: (record: LogRecord) => Parsed<V> };

export type ProcessorOptions<V> = ProcessorInput<V> & {
  log: EventLog;
  /** Stage name, written on dead letters. */
  stage: string;
  group: string;
  /** Where poison records and failures go: a topic name (JSON dead letters) or a bound topic. */
  deadLetterTopic: string | Topic<DeadLetter>;
  /**
   * Handles one batch of valid items. Throwing leaves the batch uncommitted: it is read again. What
   * it returns (counts of what it did, say) is handed to `afterCommit` once that batch committed.
   */
  handle(items: Item<V>[], ctx: ProcessContext): unknown;
  /**
   * Called after a batch was committed (not after a failed one), with what `handle` returned for that
   * batch (`undefined` when the batch had no valid item). Pipelined, the next batch may already have
   * been handled by then: per-batch results belong here, not in variables the next batch resets.
   */
  afterCommit?: (handled: unknown) => void;
  /** Called when partitions are assigned, after the stores were restored. */
  onAssign?: (partitions: TopicPartition[]) => Promise<void> | void;
  /** State whose staged updates are committed with each batch; restored on assignment. */
  stores?: KeyedStore<unknown>[];
  maxBatch?: number;
  /**
   * Overlap each batch's commit with reading and handling the next one. The next batch is committed
   * only after the previous commit succeeded; when that failed, the next batch is dropped and state
   * and position go back to the last commit, so outputs stay exactly once. Only for handlers whose
   * effects all go through the log (no sink calls). Default false.
   */
  pipelined?: boolean;
  clock?: () => number;
};

/**
 * The consume → process → produce loop every stage is built from. Each batch's outputs, state
 * changelog records, dead letters and input offsets are committed in one transaction of the log,
 * and only after the handler finished: effects inside the log happen exactly once; effects outside
 * it (a Telegram message) happen at least once.
 */
export class Processor<V> {
  private consumer?: Consumer;
  private readonly options: ProcessorOptions<V>;
  private readonly clock: () => number;
  private readonly deadLetters: Topic<DeadLetter>;
  private readonly input: string;
  private readonly parse: (record: LogRecord) => Parsed<V>;
  private readonly prepare?: (records: LogRecord[]) => Promise<void>;
  /** The commit in flight when pipelined. */
  private pending?: Promise<void>;

  constructor(options: ProcessorOptions<V>) {
    this.options = options;
    this.clock = options.clock ?? Date.now;
    const { input } = options;
    this.input = typeof input === 'string' ? input : input.name;
    this.parse = options.parse ?? ((r) => (input as Topic<V>).parse(r.value));
    if (typeof input !== 'string') this.prepare = (records) => input.prepare(records.map((r) => r.value));
    this.deadLetters = typeof options.deadLetterTopic === 'string' ? bindTopic(DEAD_LETTERS, options.deadLetterTopic) : options.deadLetterTopic;
  }

  async start(): Promise<void> {
    const { log, group, stores = [] } = this.options;
    this.consumer = await log.consumer({
      group,
      topics: [this.input],
      onAssign: async (parts: TopicPartition[]) => {
        for (const s of stores) await s.restore(parts.map((p) => p.partition));
        await this.options.onAssign?.(parts);
      },
      onRevoke: (parts: TopicPartition[]) => {
        for (const s of stores) s.drop(parts.map((p) => p.partition));
      },
    });
  }

  /**
   * Reads, handles and commits one batch; returns how many input records it consumed. `toEnd`: the
   * batch takes what every partition already holds (see {@link PollOptions.toEnd}).
   */
  async step(signal: AbortSignal, timeoutMs = 1000, toEnd = false): Promise<number> {
    const consumer = this.consumer!;
    const records = await consumer.poll({ maxRecords: this.maxBatch, timeoutMs, signal, toEnd });
    if (records.length === 0) {
      await this.flush();
      return 0;
    }
    const out: ProduceRecord[] = [];
    const items: Item<V>[] = [];
    let handled: unknown;
    const ctx: ProcessContext = {
      signal,
      emit: (r) => out.push(r),
      deadLetter: (record, reason, extra) => out.push(this.deadLetter(record, reason, extra)),
    };
    try {
      // A serde that could not prepare (a schema registry down) fails the batch like a handler:
      // it is read again from the last commit, never skipped.
      await this.prepare?.(records);
      for (let i = 0; i < records.length; i++) {
        // A large batch is parsed in slices, so the commit in flight moves on in between.
        if (i > 0 && i % PARSE_SLICE === 0) await yieldToLoop();
        const record = records[i]!;
        const parsed = this.parse(record);
        if (parsed.ok) items.push({ record, value: parsed.value });
        else ctx.deadLetter(record, parsed.reason);
      }
      if (items.length > 0) handled = await this.options.handle(items, ctx);
    } catch (err) {
      await this.pending?.catch(() => {});
      this.pending = undefined;
      await this.recover();
      throw err;
    }
    for (const s of this.options.stores ?? []) out.push(...s.takeStaged());
    const tx = { produce: out, offsets: nextOffsets(records) };
    if (!this.options.pipelined) {
      try {
        await consumer.commit(tx);
      } catch (err) {
        await this.recover();
        throw err;
      }
      this.options.afterCommit?.(handled);
      return records.length;
    }
    // This batch was built on the previous one's state: it may only commit after that did.
    await this.flush();
    const commit = consumer.commit(tx).then(() => this.options.afterCommit?.(handled));
    commit.catch(() => {});
    this.pending = commit;
    return records.length;
  }

  /**
   * Waits for the commit in flight (pipelined mode). When it failed, whatever was handled since is
   * dropped: position and state go back to the last commit, and the failure is rethrown.
   */
  async flush(): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    try {
      await pending;
    } catch (err) {
      await this.recover();
      throw err;
    }
  }

  /** The most records one batch reads. */
  get maxBatch(): number {
    return this.options.maxBatch ?? 500;
  }

  /** Whether commits overlap the next batch (see {@link ProcessorOptions.pipelined}). */
  get pipelined(): boolean {
    return this.options.pipelined === true;
  }

  /** Input records not yet committed by this stage's group. */
  lag(): Promise<number> {
    return this.consumer!.lag();
  }

  /** Lets a commit in flight finish (its failure only means the batch is read again), then leaves. */
  async close(): Promise<void> {
    await this.pending?.catch(() => {});
    this.pending = undefined;
    await this.consumer?.close();
  }

  /** After a failed batch: back to the committed offsets, state reloaded to match. */
  private async recover(): Promise<void> {
    const consumer = this.consumer!;
    await consumer.rewind();
    const parts = consumer.assignment().map((p) => p.partition);
    for (const s of this.options.stores ?? []) {
      s.takeStaged();
      await s.restore(parts);
    }
  }

  private deadLetter(record: LogRecord, reason: string, extra?: Partial<DeadLetter>): ProduceRecord {
    const letter: DeadLetter = {
      v: 1,
      stage: this.options.stage,
      reason,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key: record.key,
      ...letterValue(record.value),
      ...(record.headers ? { headers: record.headers } : {}),
      at: this.clock(),
      ...extra,
    };
    return this.deadLetters.record(letter, { key: record.key });
  }
}

/** The offsets to commit after `records`: last offset + 1 per partition. */
export function nextOffsets(records: LogRecord[]): PartitionOffset[] {
  const last = new Map<string, PartitionOffset>();
  let cur: PartitionOffset | undefined;
  for (const r of records) {
    // Records come in runs per partition: the map is consulted once per run.
    if (!cur || cur.topic !== r.topic || cur.partition !== r.partition) {
      const id = partitionKey(r.topic, r.partition);
      cur = last.get(id);
      if (!cur) last.set(id, (cur = { topic: r.topic, partition: r.partition, offset: r.offset + 1 }));
    }
    if (r.offset + 1 > cur.offset) cur.offset = r.offset + 1;
  }
  return [...last.values()];
}

/**
 * Steps a processor until nothing is left for its group (used by `run --once` and tests). A batch
 * shorter than the most a poll may return means the poll found the input exhausted: the drain then
 * waits for the commit in flight and asks for the lag, instead of paying one more empty poll's wait.
 * Each batch reads every partition to its end (`toEnd`), so what one poll wrote is handled together
 * (notify groups a chat's alerts per batch) however the partitions' commits reached the consumer.
 */
export async function drain(processor: Processor<unknown>, signal: AbortSignal): Promise<void> {
  for (;;) {
    const n = await processor.step(signal, 200, true);
    if (n === 0 || !processor.pipelined || n < processor.maxBatch) {
      await processor.flush();
      if ((await processor.lag()) === 0) return;
    }
  }
}
