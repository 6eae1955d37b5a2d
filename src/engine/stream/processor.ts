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
   * Handles the valid items of one poll (a batch is one poll unless `maxPoll` is set). Throwing
   * leaves the batch uncommitted: it is read again. What it returns (counts of what it did, say) is
   * handed to `afterCommit` once that batch committed.
   */
  handle(items: Item<V>[], ctx: ProcessContext): unknown;
  /**
   * Called after a batch was committed (not after a failed one): once with what each `handle` call
   * of that batch returned, or once with `undefined` when the batch had no valid item. Pipelined,
   * the next batch may already have been handled by then: per-batch results belong here, not in
   * variables the next batch resets.
   */
  afterCommit?: (handled: unknown) => void;
  /** Called when partitions are assigned, after the stores were restored. */
  onAssign?: (partitions: TopicPartition[]) => Promise<void> | void;
  /** State whose staged updates are committed with each batch; restored on assignment. */
  stores?: KeyedStore<unknown>[];
  /** The most records one batch (one commit) takes. Default 500. */
  maxBatch?: number;
  /**
   * The most records one poll reads and one `handle` call gets; a batch is then several polls, up
   * to `maxBatch`, committed as one transaction. Each poll's records are parsed and handled before
   * the next is read, so they die young instead of being held, and copied by the garbage collector,
   * until the whole batch was handled: on Kafka, where a batch is 10,000 records, polls of 1,000 make
   * detect about 10% faster. Only for handlers whose result does not depend on seeing the whole
   * batch at once (coalescing is the stores' job, per commit). Default: `maxBatch`.
   */
  maxPoll?: number;
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
    const max = this.maxBatch;
    const perPoll = Math.min(this.options.maxPoll ?? max, max);
    const out: ProduceRecord[] = [];
    const handled: unknown[] = [];
    const offsets = new Map<string, PartitionOffset>();
    const ctx: ProcessContext = {
      signal,
      emit: (r) => out.push(r),
      deadLetter: (record, reason, extra) => out.push(this.deadLetter(record, reason, extra)),
    };
    let taken = 0;
    try {
      // Only the first poll waits; the batch then takes what is ready, until a poll comes back short
      // (or empty: a rebalance is pending, applied by the next batch's first poll).
      for (;;) {
        const continues = taken > 0;
        const records = await consumer.poll({ maxRecords: Math.min(perPoll, max - taken), timeoutMs: continues ? 0 : timeoutMs, signal, toEnd, continues });
        if (records.length === 0) break;
        taken += records.length;
        for (const o of nextOffsets(records)) offsets.set(partitionKey(o.topic, o.partition), o);
        const items = await this.parseAll(records, ctx);
        if (items.length > 0) handled.push(await this.options.handle(items, ctx));
        if (taken >= max || records.length < perPoll || signal.aborted) break;
      }
    } catch (err) {
      await this.pending?.catch(() => {});
      this.pending = undefined;
      await this.recover();
      throw err;
    }
    if (taken === 0) {
      await this.flush();
      return 0;
    }
    for (const s of this.options.stores ?? []) out.push(...s.takeStaged());
    const tx = { produce: out, offsets: [...offsets.values()] };
    const after = () => {
      if (handled.length === 0) handled.push(undefined);
      for (const h of handled) this.options.afterCommit?.(h);
    };
    if (!this.options.pipelined) {
      try {
        await consumer.commit(tx);
      } catch (err) {
        await this.recover();
        throw err;
      }
      after();
      return taken;
    }
    // This batch was built on the previous one's state: it may only commit after that did.
    await this.flush();
    const commit = consumer.commit(tx).then(after);
    commit.catch(() => {});
    this.pending = commit;
    return taken;
  }

  /** The valid items of `records`; the others are dead-lettered through `ctx`. */
  private async parseAll(records: LogRecord[], ctx: ProcessContext): Promise<Item<V>[]> {
    const items: Item<V>[] = [];
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
    return items;
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
 * How long a drain's batch after a full pipelined one waits for its first record. More is then
 * usually ready at once; when nothing is (the input ended on a full batch), the lag decides, instead
 * of a poll that waits its whole timeout (200 ms, a tenth of a 200k-event drain of the example).
 */
const DRAIN_PROBE_MS = 10;

/**
 * Steps a processor until nothing is left for its group (used by `run --once` and tests). A batch
 * shorter than `maxBatch` means its polls found the input exhausted: the drain then waits for the
 * commit in flight and asks for the lag, instead of paying one more empty poll's wait. After a full
 * batch, the next one waits only {@link DRAIN_PROBE_MS} for its first record; the lag, never a
 * timeout, decides that the drain is over. A batch's first poll reads every partition to its end
 * (`toEnd`), so what one transaction wrote is handled together (notify, one poll per batch, groups a
 * chat's alerts per batch) however the partitions' commit markers reached the consumer.
 */
export async function drain(processor: Processor<unknown>, signal: AbortSignal): Promise<void> {
  let full = false;
  for (;;) {
    const n = await processor.step(signal, full ? DRAIN_PROBE_MS : 200, true);
    full = processor.pipelined && n >= processor.maxBatch;
    if (!full) {
      await processor.flush();
      if ((await processor.lag()) === 0) return;
    }
  }
}
