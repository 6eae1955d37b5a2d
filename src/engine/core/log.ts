/**
 * The event-log contract. Both backends (embedded SQLite, Apache Kafka) implement it and pass the
 * shared contract suite in `test/contract/log.contract.ts`.
 *
 * The model is Kafka's: named topics split into partitions by key, append-only records with
 * per-partition offsets, consumer groups that commit the next offset to read, and an atomic
 * consume → produce step ({@link Consumer.commit}) that writes output records and the input offsets
 * in one transaction (Kafka's `sendOffsetsToTransaction`). Keyed state lives in compacted topics
 * (see `stream/state.ts`), so state updates are ordinary records in that same transaction.
 */

import { YtwatchError } from './errors.js';

/** A record to append. `key` decides the partition; `null` keys go to partition 0. */
export interface ProduceRecord {
  topic: string;
  key: string | null;
  /**
   * The payload: bytes, stored and returned as they are (a topic's serde writes them; JSON by
   * default). Text is taken as its UTF-8 bytes, as Kafka clients do. `null` is a tombstone on
   * compacted topics.
   */
  value: Uint8Array | string | null;
  headers?: Record<string, string>;
}

/** A map key for one partition of a topic. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** A record's position as text, `topic/partition/offset`: unique in the log, stable across replays. */
export function recordId(record: { topic: string; partition: number; offset: number }): string {
  return `${record.topic}/${record.partition}/${record.offset}`;
}

/** A record read back from the log. */
export interface LogRecord extends Omit<ProduceRecord, 'value'> {
  /** The payload's bytes (a Buffer), or `null` for a tombstone. */
  value: Buffer | null;
  partition: number;
  /** Position in its partition; strictly increasing, not necessarily contiguous. */
  offset: number;
  /** Append time, epoch milliseconds. */
  timestamp: number;
}

export interface TopicSpec {
  name: string;
  /** Defaults to the backend's configured partition count. */
  partitions?: number;
  /** A compacted topic keeps at least the latest record per key (state changelogs). */
  compacted?: boolean;
}

/** The next offset to read for one partition, as a consumer group commits it. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  /** The offset of the next record to read (last processed + 1), as in Kafka. */
  offset: number;
}

/** One atomic step: outputs appended and input progress committed together, or neither. */
export interface Transaction {
  produce?: ProduceRecord[];
  offsets: PartitionOffset[];
}

export interface PollOptions {
  /** Upper bound on records returned. Default 500. */
  maxRecords?: number;
  /** How long to wait for records when none are ready. Default 1000 ms. */
  timeoutMs?: number;
  /**
   * Once something was read, keep reading until the batch is full or every assigned partition was
   * read to the end it had when the poll began, for up to `timeoutMs` from the poll's start (on
   * Kafka, at least 200 ms in a poll that begins a batch): then one batch holds all that was already
   * written on every partition, not only the partitions that answered first (a Kafka transaction's
   * commit markers reach its partitions one by one). Used by drains (`run --once`). The embedded log
   * reads every partition at once, so its polls always do this.
   */
  toEnd?: boolean;
  /**
   * This poll continues a batch that earlier polls began and that is not committed yet. When the
   * member's partitions are about to change (a rebalance is pending), it returns nothing rather
   * than apply that: the batch then commits records of partitions the member still owns, and the
   * next poll that begins a batch applies the change. The embedded log has no rebalances.
   */
  continues?: boolean;
  signal?: AbortSignal;
}

/** A partition assigned to (or revoked from) a consumer group member. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface ConsumerOptions {
  group: string;
  topics: string[];
  /**
   * Called before records of newly assigned partitions are returned by `poll`, so a stage can
   * restore the state that belongs to them. Awaited.
   */
  onAssign?: (partitions: TopicPartition[]) => Promise<void> | void;
  /** Called when partitions are taken away (rebalance, close). Awaited. */
  onRevoke?: (partitions: TopicPartition[]) => Promise<void> | void;
}

/**
 * A member of a consumer group. `poll` returns records after the member's position, which starts at
 * the group's committed offsets (or the start of the partition when nothing is committed) and moves
 * on with each poll. Progress survives a restart only once committed with {@link commit}.
 */
export interface Consumer {
  poll(options?: PollOptions): Promise<LogRecord[]>;
  /**
   * Appends `tx.produce` and commits `tx.offsets` for this group atomically. Throws a
   * {@link LogError}; after a failure the member rewinds to the committed offsets.
   */
  commit(tx: Transaction): Promise<void>;
  /** Moves the member's position back to the group's committed offsets (after a failed batch). */
  rewind(): Promise<void>;
  /** Partitions currently assigned to this member. */
  assignment(): TopicPartition[];
  /** Records not yet committed by this group on its assigned partitions (end offset − committed). */
  lag(): Promise<number>;
  close(): Promise<void>;
}

/** The log itself. Create topics first; produce and consume need them. */
export interface EventLog {
  /** Backend name for logs and metrics: `sqlite` or `kafka`. */
  readonly kind: string;
  /** Creates the topics that do not exist yet; existing ones are left as they are. */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  /** Appends records durably (all or nothing per call on SQLite; idempotent producer on Kafka). */
  produce(records: ProduceRecord[]): Promise<void>;
  consumer(options: ConsumerOptions): Promise<Consumer>;
  /** The offset the next appended record of each partition will get. */
  endOffsets(topic: string): Promise<Map<number, number>>;
  /** The committed offsets of a group on a topic (partitions with no commit are absent). */
  committedOffsets(group: string, topic: string): Promise<Map<number, number>>;
  /** Reads a whole partition range, outside any group: restores state, lists dead letters. */
  read(topic: string, partition: number, fromOffset: number, maxRecords: number): Promise<LogRecord[]>;
  partitionCount(topic: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * A log failure. `retriable` says whether the same call may succeed if repeated (a broker that is
 * away, a busy database); the CLI prints it as one line naming the log to check.
 */
export class LogError extends YtwatchError {
  override name = 'LogError';
  constructor(message: string, retriable: boolean, options?: { cause?: unknown; hint?: string }) {
    super(message, {
      retriable,
      cause: options?.cause,
      hint: options?.hint ?? 'check the event log: KAFKA_BROKERS and the brokers when set, else the data folder (YTWATCH_DATA_DIR)',
    });
  }
}
