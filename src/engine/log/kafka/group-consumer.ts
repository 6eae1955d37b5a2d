import { randomUUID } from 'node:crypto';
import type { Consumer, ConsumerOptions, LogRecord, PollOptions, ProduceRecord, TopicPartition, Transaction } from '../../core/log.js';
import { LogError, partitionKey } from '../../core/log.js';
import { range, type KafkaAdmin } from './admin.js';
import { toRecord, type PlacedBatch } from './codec.js';
import type { ErrorMapper } from './errors.js';
import { routeLogs } from './logging.js';
import { call, type NativeConsumer, type NativeError, type NativeMessage, type NativeModule, type NativeTopicPartition } from './native.js';
import { baseConfig, type ResolvedOptions } from './options.js';
import { consumeSome } from './reader.js';
import { TransactionalProducer, TxnFailure } from './transactions.js';

/** librdkafka's logical offset "start of the partition". */
const OFFSET_BEGINNING = -2;
/** Longest single native `consume` wait, so an abort signal or `close` is noticed quickly. */
const CHUNK_MS = 200;
/**
 * The wait of each read while a poll reads to the end: short, as what is missing is usually only a
 * commit marker that the fetcher moves the position past without handing out a record.
 */
const TO_END_CHUNK_MS = 10;
/**
 * How long, from its start, a poll that begins a batch may read to the end (`toEnd`) however short
 * its wait for a first record was: a drain probing for more after a full batch (10 ms) still gets a
 * whole batch when there is more.
 */
const TO_END_MIN_MS = 200;
/**
 * Wait of each native `consume` while joining: the assignment arrives as a callback during it, but
 * the call itself returns only when its wait is over, so a short one lets the join finish sooner.
 */
const JOIN_WAIT_MS = 10;
/**
 * Most messages one native `consume` returns: their conversion to JS objects is one uninterrupted
 * task on the main thread, so a large poll is taken in slices that let a commit in flight go on.
 */
const FETCH_SLICE = 5000;

/** What the group consumer needs from its log. */
export interface GroupContext {
  native: NativeModule;
  errors: ErrorMapper;
  options: ResolvedOptions;
  admin: KafkaAdmin;
  /** Chooses partitions for records (rejects unknown topics). */
  place(records: readonly ProduceRecord[]): Promise<PlacedBatch>;
  /** Told when the member closed. */
  closed(consumer: KafkaGroupConsumer): void;
}

interface RebalanceEvent {
  assign: boolean;
  partitions: TopicPartition[];
}

const id = (tp: { topic: string; partition: number }) => partitionKey(tp.topic, tp.partition);

/**
 * A member of a Kafka consumer group (classic protocol, eager assignment), built on librdkafka's
 * poll-style consumer. Rebalance callbacks are queued and applied inside `poll`: a revocation calls
 * `onRevoke` and unassigns; an assignment first reads the committed offsets (waiting out pending
 * transactional commits), awaits `onAssign`, and only then assigns the partitions at those offsets,
 * so no record of a partition is fetched before its state is restored. `consumer()` resolves after
 * the first assignment.
 *
 * Isolation is `read_committed`; nothing is auto-committed. {@link commit} is one Kafka transaction
 * of this member's own transactional producer. The member tracks its committed offsets and the
 * offsets it handed out, so {@link lag} can count transaction markers as consumed.
 */
export class KafkaGroupConsumer implements Consumer {
  private consumer?: NativeConsumer;
  private readonly txn: TransactionalProducer;
  private readonly events: RebalanceEvent[] = [];
  private assigned: TopicPartition[] = [];
  /** Next offset to read per partition as committed by the group (absent: nothing committed). */
  private committed = new Map<string, number>();
  /** One past the last offset handed out by `poll` per partition. */
  private delivered = new Map<string, number>();
  private stash: NativeMessage[] = [];
  /**
   * The read-ahead in flight: after a full batch, the next native consume runs on librdkafka's side
   * while the caller handles that batch; its messages land in the stash. Awaited before anything
   * moves positions (a seek, an assignment), so what it read is dropped only when re-read anyway.
   */
  private ahead?: Promise<void>;
  private joined = false;
  /** Set when a commit's outcome is unknown: offsets, positions and state are re-read before the next poll. */
  private resync = false;
  private closed = false;
  private inflight: Promise<unknown> = Promise.resolve();
  /** The last commit; a rebalance or resync is applied only once it settled (a poll may overlap it). */
  private committing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: GroupContext,
    private readonly options: ConsumerOptions,
  ) {
    this.txn = new TransactionalProducer(ctx.native, ctx.errors, ctx.options, `${options.group}-${randomUUID()}`);
  }

  /** Connects, joins the group and applies the first assignment. */
  async start(): Promise<void> {
    const { native, options: o, errors } = this.ctx;
    for (const t of this.options.topics) await this.ctx.admin.partitionCount(t);
    const consumer = new native.KafkaConsumer({
      ...baseConfig(o),
      'group.id': this.options.group,
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      'isolation.level': 'read_committed',
      'auto.offset.reset': 'earliest',
      'session.timeout.ms': o.sessionTimeoutMs,
      'heartbeat.interval.ms': Math.max(100, Math.floor(o.sessionTimeoutMs / 3)),
      'partition.assignment.strategy': 'range',
      rebalance_cb: (err: NativeError, partitions: NativeTopicPartition[]) => this.onRebalance(err, partitions),
    });
    routeLogs(consumer, o.logger, `group ${this.options.group}`);
    // The transactional producer starts while the consumer connects and joins.
    const txnReady = this.txn.ready();
    txnReady.catch(() => {});
    try {
      await call((cb) => consumer.connect({ timeout: o.requestTimeoutMs }, cb));
    } catch (err) {
      await txnReady.catch(() => {});
      await this.txn.close();
      throw errors.wrap(err, `connecting group ${this.options.group}`);
    }
    consumer.setDefaultIsTimeoutOnlyForFirstMessage(true);
    this.consumer = consumer;
    try {
      consumer.subscribe(this.options.topics);
      await Promise.all([this.join(), txnReady]);
    } catch (err) {
      await this.close().catch(() => {});
      throw errors.wrap(err, `joining group ${this.options.group}`);
    }
  }

  private async join(): Promise<void> {
    const deadline = Date.now() + 2 * this.ctx.options.requestTimeoutMs;
    while (!this.joined) {
      if (this.closed) throw new LogError('consumer closed while joining', false);
      if (Date.now() > deadline) throw new LogError(`no partitions assigned to group ${this.options.group} in time`, true);
      try {
        await this.settle();
      } catch (err) {
        if (!this.ctx.errors.retriable(err)) throw err;
      }
      if (!this.joined) await this.fetch(1, JOIN_WAIT_MS);
    }
  }

  private onRebalance(err: NativeError, partitions: NativeTopicPartition[]): void {
    const assign = err?.code === this.ctx.errors.codes.ERR__ASSIGN_PARTITIONS;
    if (this.closed) {
      // Leaving: librdkafka waits for the unassign before it can close.
      if (!assign) this.consumer?.unassign();
      return;
    }
    this.events.push({ assign, partitions: partitions.map((p) => ({ topic: p.topic, partition: p.partition })) });
  }

  /** Applies queued rebalances and, after an unknown commit outcome, re-reads offsets and state. */
  private async settle(): Promise<void> {
    const consumer = this.consumer!;
    await this.landAhead();
    if (this.events.length > 0 || this.resync) await this.committing;
    while (this.events.length > 0) {
      const ev = this.events[0]!;
      if (!ev.assign) {
        const gone = this.assigned;
        this.assigned = [];
        this.stash = [];
        this.committed.clear();
        this.delivered.clear();
        this.events.shift();
        consumer.unassign();
        if (gone.length > 0) await this.revoked(gone);
        continue;
      }
      // A pending resync is covered: the producer is settled first, offsets and state are read anew.
      if (this.resync) await this.txn.ready();
      const committed = await this.fetchCommitted(ev.partitions);
      if (ev.partitions.length > 0) await this.options.onAssign?.(ev.partitions);
      consumer.assign(ev.partitions.map((p) => ({ ...p, offset: committed.get(id(p)) ?? OFFSET_BEGINNING })));
      this.assigned = ev.partitions;
      this.committed = committed;
      this.delivered = new Map(committed);
      this.stash = [];
      this.events.shift();
      this.joined = true;
      this.resync = false;
    }
    if (this.resync) {
      await this.txn.ready();
      const parts = this.assigned;
      const committed = await this.fetchCommitted(parts);
      if (parts.length > 0) {
        await this.revoked(parts);
        await this.options.onAssign?.(parts);
      }
      await this.seekAll(committed);
      this.resync = false;
    }
  }

  private async revoked(parts: TopicPartition[]): Promise<void> {
    try {
      await this.options.onRevoke?.(parts);
    } catch (err) {
      this.ctx.options.logger.warn(`group ${this.options.group}: onRevoke failed: ${(err as Error).message}`);
    }
  }

  private async fetchCommitted(parts: TopicPartition[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (parts.length === 0) return out;
    const res = await call<NativeTopicPartition[]>((cb) => this.consumer!.committed(parts, this.ctx.options.requestTimeoutMs, cb)).catch((err: unknown) => {
      throw this.ctx.errors.wrap(err, `reading committed offsets of group ${this.options.group}`);
    });
    for (const tp of res) {
      if (tp.error) throw this.ctx.errors.wrap(tp.error, `reading committed offsets of group ${this.options.group}`);
      if (tp.offset !== undefined && tp.offset >= 0) out.set(id(tp), tp.offset);
    }
    return out;
  }

  private async seekAll(committed: Map<string, number>): Promise<void> {
    await this.landAhead();
    this.stash = [];
    for (const p of this.assigned) {
      const offset = committed.get(id(p)) ?? OFFSET_BEGINNING;
      await call((cb) => this.consumer!.seek({ ...p, offset }, this.ctx.options.requestTimeoutMs, cb)).catch((err: unknown) => {
        throw this.ctx.errors.wrap(err, `seeking ${p.topic}[${p.partition}]`);
      });
    }
    this.committed = committed;
    this.delivered = new Map(committed);
  }

  /**
   * Native consumes of at most {@link FETCH_SLICE} messages each, the first waiting up to
   * `timeoutMs`, the rest taking only what is ready; transient errors (broker away) read as
   * "nothing yet".
   */
  private async fetch(max: number, timeoutMs: number): Promise<NativeMessage[]> {
    try {
      const messages = await consumeSome(this.consumer!, Math.min(max, FETCH_SLICE), timeoutMs);
      for (let last = messages.length; last === FETCH_SLICE && messages.length < max; ) {
        const more = await consumeSome(this.consumer!, Math.min(max - messages.length, FETCH_SLICE), 0);
        for (const m of more) messages.push(m);
        last = more.length;
      }
      if (messages.length > 0 && !this.joined) this.stash.push(...messages);
      return messages;
    } catch (err) {
      if (this.ctx.errors.retriable(err)) return [];
      throw this.ctx.errors.wrap(err, `polling group ${this.options.group}`);
    }
  }

  /**
   * Starts reading the next batch while the caller handles this one (see {@link ahead}): what
   * librdkafka already holds, without waiting, as the next poll lands it first and must not wait out
   * an empty read.
   */
  private readAhead(max: number): void {
    const ahead: Promise<void> = this.fetch(max, 0)
      .then(
        (messages) => {
          for (const m of messages) this.stash.push(m);
        },
        // A failure here is met again by the next poll's own read.
        () => {},
      )
      .then(() => {
        if (this.ahead === ahead) this.ahead = undefined;
      });
    this.ahead = ahead;
  }

  /** Waits for the read-ahead in flight, whose messages are then in the stash. */
  private async landAhead(): Promise<void> {
    const ahead = this.ahead;
    this.ahead = undefined;
    await ahead;
  }

  poll(options: PollOptions = {}): Promise<LogRecord[]> {
    const run = this.pollNow(options);
    this.inflight = run.catch(() => {});
    return run;
  }

  private async pollNow(options: PollOptions): Promise<LogRecord[]> {
    if (this.closed) return [];
    const max = Math.max(1, options.maxRecords ?? 500);
    const started = Date.now();
    const deadline = started + (options.timeoutMs ?? 1000);
    // The read-ahead's native consume may have queued a rebalance: a batch's later poll leaves it.
    await this.landAhead();
    if (options.continues && (this.events.length > 0 || this.resync)) return [];
    await this.settle();
    for (;;) {
      let messages: NativeMessage[];
      if (this.stash.length > 0) {
        messages = this.stash.splice(0, max);
        // Topped up with what is ready, so a short read-ahead does not make a short batch.
        if (messages.length < max && this.joined) for (const m of await this.fetch(max - messages.length, 0)) messages.push(m);
      } else {
        messages = await this.fetch(max, Math.max(0, Math.min(CHUNK_MS, deadline - Date.now())));
      }
      const records = this.owned(messages);
      if (records.length > 0) {
        if (options.toEnd && records.length < max) await this.readToEnd(records, max, options.continues ? deadline : Math.max(deadline, started + TO_END_MIN_MS), options.signal);
        // A full batch: more is likely waiting, so read it while this one is handled.
        if (records.length === max && this.stash.length < max) this.readAhead(max - this.stash.length);
        return records;
      }
      if (this.closed || options.signal?.aborted || Date.now() >= deadline) return [];
      if (this.events.length > 0 || this.resync) {
        if (options.continues) return [];
        await this.settle();
      }
    }
  }

  /**
   * Tops `records` up until it holds `max`, or every assigned partition was read to the high
   * watermark it had now, or `deadline` (see {@link PollOptions.toEnd}). Read-ahead is not running
   * here (a poll lands it first), so the consumer's position is how far each partition was read.
   */
  private async readToEnd(records: LogRecord[], max: number, deadline: number, signal?: AbortSignal): Promise<void> {
    const ends: Array<{ part: TopicPartition; end: number }> = [];
    for (const topic of this.options.topics) {
      const parts = this.assigned.filter((p) => p.topic === topic);
      const marks = await this.ctx.admin.highWatermarks(topic, parts.map((p) => p.partition)).catch(() => new Map<number, number>());
      for (const part of parts) ends.push({ part, end: marks.get(part.partition) ?? 0 });
    }
    const behind = () => {
      const positions = this.positions(ends.map((e) => e.part));
      return ends.some(({ part, end }) => Math.max(this.delivered.get(id(part)) ?? 0, positions.get(id(part)) ?? 0) < end);
    };
    while (records.length < max && this.stash.length === 0 && !this.closed && !signal?.aborted && this.events.length === 0 && behind()) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      for (const r of this.owned(await this.fetch(max - records.length, Math.min(TO_END_CHUNK_MS, left)))) records.push(r);
    }
  }

  /** The consumer's position per partition (keyed by {@link id}): how far librdkafka has read it. */
  private positions(parts: TopicPartition[]): Map<string, number | undefined> {
    return new Map(this.consumer!.position(parts).map((tp) => [id(tp), tp.offset]));
  }

  /**
   * The messages of partitions this member owns, as records, noting how far each partition was
   * handed out. Messages come in runs per partition, so ownership is looked up once per run.
   */
  private owned(messages: NativeMessage[]): LogRecord[] {
    const owned = new Set(this.assigned.map(id));
    const records: LogRecord[] = [];
    let run = '';
    let topic: string | undefined;
    let partition = -1;
    let mine = false;
    for (const m of messages) {
      if (m.topic !== topic || m.partition !== partition) {
        topic = m.topic;
        partition = m.partition;
        run = id(m);
        mine = owned.has(run);
        // Not expected (assign and our view change together); if it happens, positions are re-read.
        if (!mine) this.resync = true;
      }
      if (!mine) continue;
      records.push(toRecord(m));
      if (m.offset + 1 > (this.delivered.get(run) ?? 0)) this.delivered.set(run, m.offset + 1);
    }
    return records;
  }

  commit(tx: Transaction): Promise<void> {
    const run = this.commitNow(tx);
    this.committing = run.catch(() => {});
    return run;
  }

  private async commitNow(tx: Transaction): Promise<void> {
    if (this.closed || !this.consumer) throw new LogError(`consumer of group ${this.options.group} is closed`, false);
    let placed: PlacedBatch;
    try {
      placed = await this.ctx.place(tx.produce ?? []);
    } catch (err) {
      await this.rewind();
      throw this.ctx.errors.wrap(err, 'committing a transaction');
    }
    if (placed.records.length === 0 && tx.offsets.length === 0) return;
    try {
      await this.txn.commit(placed, tx.offsets, this.consumer);
    } catch (err) {
      if (err instanceof TxnFailure && err.outcome === 'unknown') this.resync = true;
      await this.rewind();
      throw this.ctx.errors.wrap(err instanceof TxnFailure ? err.cause : err, 'committing a transaction');
    }
    for (const o of tx.offsets) this.committed.set(id(o), o.offset);
  }

  async rewind(): Promise<void> {
    if (!this.consumer || this.closed || this.resync) return;
    try {
      await this.seekAll(new Map(this.committed));
    } catch {
      // Poll re-reads the committed offsets and seeks before it returns another record.
      this.resync = true;
    }
  }

  assignment(): TopicPartition[] {
    return this.assigned.map((p) => ({ ...p }));
  }

  /**
   * Per assigned partition: high watermark − the member's consumed-and-committed position. When
   * everything handed out is committed, the consumer's position counts: librdkafka moves it past
   * transaction markers and aborted records, so lag reaches 0 on topics written by transactions.
   * While a rebalance or resync is pending, or the member owns no partition, the group's lag over
   * every partition is reported.
   */
  async lag(): Promise<number> {
    // Between a revocation and the next assignment the member owns nothing: the group's lag counts.
    if (!this.consumer || this.closed || !this.joined || this.events.length > 0 || this.resync || this.assigned.length === 0) return this.groupLag();
    let lag = 0;
    const readAhead = this.ahead !== undefined || this.stash.length > 0;
    for (const topic of this.options.topics) {
      const parts = this.assigned.filter((p) => p.topic === topic);
      if (parts.length === 0) continue;
      const ends = await this.ctx.admin.highWatermarks(topic, parts.map((p) => p.partition));
      const positions = this.positions(parts);
      for (const p of parts) {
        const committed = this.committed.get(id(p)) ?? 0;
        const delivered = this.delivered.get(id(p)) ?? committed;
        const position = positions.get(id(p));
        // Read ahead but not handed out yet: the position is past records still to handle.
        const settled = delivered <= committed && !readAhead;
        const done = settled && position !== undefined && position >= 0 ? Math.max(committed, position) : committed;
        lag += Math.max(0, (ends.get(p.partition) ?? 0) - done);
      }
    }
    return lag;
  }

  private async groupLag(): Promise<number> {
    let lag = 0;
    for (const topic of this.options.topics) {
      const ends = await this.ctx.admin.highWatermarks(topic, range(await this.ctx.admin.partitionCount(topic)));
      const committed = await this.ctx.admin.committedOffsets(this.options.group, topic);
      for (const [p, end] of ends) lag += Math.max(0, end - (committed.get(p) ?? 0));
    }
    return lag;
  }

  /** Calls `onRevoke`, leaves the group and disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ctx.closed(this);
    await this.inflight;
    await this.ahead;
    await this.committing;
    const gone = this.assigned;
    this.assigned = [];
    if (gone.length > 0) await this.revoked(gone);
    const consumer = this.consumer;
    if (consumer) {
      try {
        consumer.unassign();
        consumer.unsubscribe();
      } catch {
        // Not connected any more: nothing to leave.
      }
      await call((cb) => consumer.disconnect(cb)).catch(() => {});
    }
    await this.txn.close();
  }
}
