import type { TopicSpec } from '../../core/log.js';
import { LogError } from '../../core/log.js';
import type { ErrorMapper } from './errors.js';
import { GroupOffsets } from './group-offsets.js';
import { call, type NativeAdmin, type NativeModule } from './native.js';
import { retry, steady } from '../../core/retry.js';
import type { ResolvedOptions } from './options.js';

/** Partition errors after which the admin client's cached leaders are stale (a broker restarted). */
const STALE_LEADER = ['ERR_FENCED_LEADER_EPOCH', 'ERR_UNKNOWN_LEADER_EPOCH', 'ERR_NOT_LEADER_FOR_PARTITION', 'ERR_LEADER_NOT_AVAILABLE'];
/** A client in a state it cannot answer from ("Local: Erroneous state", seen after a broker restart): a fresh one can. */
const BAD_CLIENT = [...STALE_LEADER, 'ERR__STATE'];

/**
 * Topic metadata and offsets through Kafka's admin API. Partition counts are cached once seen
 * (ytwatch never adds partitions to a live topic); unknown topics are never cached.
 */
export class KafkaAdmin {
  private readonly partitions = new Map<string, number>();
  private admin: NativeAdmin;
  /** Replaced clients, disconnected once the calls still running on them had time to end. */
  private readonly retired = new Set<NativeAdmin>();
  private readonly groups: GroupOffsets;

  constructor(
    private readonly native: NativeModule,
    private readonly create: () => NativeAdmin,
    private readonly errors: ErrorMapper,
    private readonly options: ResolvedOptions,
  ) {
    this.admin = create();
    this.groups = new GroupOffsets(native, errors, options);
  }

  /** Creates missing topics (compacted ones with `cleanup.policy=compact`) and waits until they are visible. */
  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    const timeout = this.options.requestTimeoutMs;
    for (const spec of specs) {
      const topic = {
        topic: spec.name,
        num_partitions: spec.partitions ?? this.options.defaultPartitions,
        replication_factor: this.options.replicationFactor,
        config: spec.compacted ? { 'cleanup.policy': 'compact' } : ({} as Record<string, string>),
      };
      await call((cb) => this.admin.createTopic(topic, timeout, cb)).catch((err: unknown) => {
        if (!this.errors.is(err, 'ERR_TOPIC_ALREADY_EXISTS')) throw this.errors.wrap(err, `creating topic ${spec.name}`);
      });
    }
    // Metadata of new topics takes a moment to reach every broker: wait for each, up to `timeout` in all.
    const deadline = Date.now() + timeout;
    for (const spec of specs) {
      await retry(() => this.partitionCount(spec.name), { ...steady(100), retryIf: () => true, deadlineMs: Math.max(0, deadline - Date.now()) });
    }
  }

  /** Partitions of `topic`; a non-retriable {@link LogError} when it does not exist. */
  async partitionCount(topic: string): Promise<number> {
    const cached = this.partitions.get(topic);
    if (cached !== undefined) return cached;
    let described;
    try {
      described = await call<Array<{ name: string; partitions: unknown[]; error?: { code: number; message: string } }>>((cb) =>
        this.admin.describeTopics([topic], { timeout: this.options.requestTimeoutMs }, cb),
      );
    } catch (err) {
      throw this.unknownOr(err, topic);
    }
    const info = described[0];
    if (!info || info.error || info.partitions.length === 0) throw this.unknownOr(info?.error, topic);
    this.partitions.set(topic, info.partitions.length);
    return info.partitions.length;
  }

  /**
   * End offset per partition as a `read_committed` reader sees it (the last stable offset), once
   * every transaction that was open at the call has completed, so a read up to it sees everything
   * committed before the call. A transaction open for longer than `requestTimeoutMs` (a crashed
   * producer the broker has not aborted yet) fails the call with a retriable {@link LogError}.
   */
  async endOffsets(topic: string, partitions?: number[]): Promise<Map<number, number>> {
    const parts = partitions ?? range(await this.partitionCount(topic));
    const [stable, high] = await Promise.all([this.listOffsets(topic, parts, true), this.listOffsets(topic, parts, false)]);
    const deadline = Date.now() + this.options.requestTimeoutMs;
    let open = parts.filter((p) => stable.get(p)! < high.get(p)!);
    while (open.length > 0) {
      if (Date.now() > deadline) {
        throw new LogError(
          `kafka: ${topic}[${open.join(',')}]: a transaction has stayed open for ${this.options.requestTimeoutMs} ms ` +
            '(a crashed producer the broker has not aborted yet); read_committed readers wait for it',
          true,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
      const now = await this.listOffsets(topic, open, true);
      for (const [p, offset] of now) stable.set(p, offset);
      open = open.filter((p) => stable.get(p)! < high.get(p)!);
    }
    return stable;
  }

  /** The high watermark per partition: also counts records of open and aborted transactions. */
  highWatermarks(topic: string, partitions: number[]): Promise<Map<number, number>> {
    return this.listOffsets(topic, partitions, false);
  }

  /**
   * ListOffsets for `parts`. librdkafka's admin client keeps sending a stale leader epoch after a
   * broker restart (every answer is FENCED_LEADER_EPOCH), so on leader errors, or when it answers
   * "Erroneous state", it is replaced by a fresh client and the call repeated, until `requestTimeoutMs`.
   */
  private async listOffsets(topic: string, parts: number[], committed: boolean): Promise<Map<number, number>> {
    if (parts.length === 0) return new Map();
    const isolationLevel = committed ? this.native.IsolationLevel.READ_COMMITTED : this.native.IsolationLevel.READ_UNCOMMITTED;
    const renewable = (err: unknown) => BAD_CLIENT.some((name) => this.errors.is(err, name));
    const list = async () => {
      const res = await call<Array<{ partition: number; offset: number; error?: unknown }>>((cb) =>
        this.admin.listOffsets(
          parts.map((partition) => ({ topic, partition, offset: this.native.OffsetSpec.LATEST })),
          { timeout: this.options.requestTimeoutMs, isolationLevel },
          cb,
        ),
      );
      const out = new Map<number, number>();
      for (const r of res) {
        if (r.error) throw r.error;
        out.set(r.partition, Number(r.offset));
      }
      return out;
    };
    try {
      return await retry(list, { ...steady(200), retryIf: renewable, deadlineMs: this.options.requestTimeoutMs, onRetry: () => this.renew() });
    } catch (err) {
      throw this.unknownOr(err, topic, 'listing end offsets of');
    }
  }

  /**
   * Replaces the client. The old one is disconnected only after a request timeout: other calls may
   * still be running on it (disconnected under them, they failed with "Erroneous state").
   */
  private renew(): void {
    const old = this.admin;
    this.admin = this.create();
    this.retired.add(old);
    setTimeout(() => {
      if (this.retired.delete(old)) old.disconnect();
    }, this.options.requestTimeoutMs).unref();
  }

  /** A group's committed offsets on `topic` (stable: waits out pending transactional commits); see {@link GroupOffsets}. */
  async committedOffsets(group: string, topic: string): Promise<Map<number, number>> {
    return this.groups.read(group, topic, range(await this.partitionCount(topic)));
  }

  async close(): Promise<void> {
    this.admin.disconnect();
    for (const old of this.retired) old.disconnect();
    this.retired.clear();
    await this.groups.close();
  }

  private unknownOr(err: unknown, topic: string, what = 'describing'): LogError {
    if (err === undefined || this.errors.is(err, 'ERR_UNKNOWN_TOPIC_OR_PART') || this.errors.is(err, 'ERR__UNKNOWN_TOPIC')) {
      return new LogError(`unknown topic ${topic}`, false, { cause: err });
    }
    return this.errors.wrap(err, `${what} topic ${topic}`);
  }
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
