import type { ErrorMapper } from './errors.js';
import { routeLogs } from './logging.js';
import { call, type NativeConsumer, type NativeModule, type NativeTopicPartition } from './native.js';
import { baseConfig, type ResolvedOptions } from './options.js';
import { retry, steady } from '../../core/retry.js';

/**
 * A group's committed offsets, read through a consumer of that group that never subscribes (so it
 * never joins it), one per group, connected on first use.
 *
 * Not through the admin client's ListConsumerGroupOffsets: librdkafka (2.x, the 2.15.1 bundled by
 * @confluentinc/kafka-javascript 1.10.1 included) crashes the process with a SIGSEGV when that call
 * meets NOT_COORDINATOR, as it does while a restarted broker loads its groups (librdkafka#5040,
 * confluent-kafka-javascript#374). A consumer's OffsetFetch handles it: it asks for the coordinator
 * again. With `isolation.level=read_committed` the fetch asks for stable offsets (pending
 * transactional commits are waited out), as `requireStableOffsets` did.
 */
export class GroupOffsets {
  private readonly consumers = new Map<string, Promise<NativeConsumer>>();
  private closed = false;

  constructor(
    private readonly native: NativeModule,
    private readonly errors: ErrorMapper,
    private readonly options: ResolvedOptions,
  ) {}

  /** Committed offset per partition of `partitions` of `topic`; partitions without one are absent. */
  async read(group: string, topic: string, partitions: number[]): Promise<Map<number, number>> {
    const tps: NativeTopicPartition[] = partitions.map((partition) => ({ topic, partition }));
    const once = async () => {
      const consumer = await this.consumer(group);
      const res = await call<NativeTopicPartition[]>((cb) => consumer.committed(tps, this.options.requestTimeoutMs, cb));
      const out = new Map<number, number>();
      for (const tp of res) {
        if (tp.error) throw tp.error;
        if (tp.topic === topic && tp.offset !== undefined && tp.offset !== null && Number(tp.offset) >= 0) out.set(tp.partition, Number(tp.offset));
      }
      return out;
    };
    try {
      return await retry(once, { ...steady(100), retryIf: (err) => this.errors.retriable(err), deadlineMs: this.options.requestTimeoutMs });
    } catch (err) {
      throw this.errors.wrap(err, `reading offsets of group ${group}`);
    }
  }

  private consumer(group: string): Promise<NativeConsumer> {
    let pending = this.consumers.get(group);
    if (!pending) {
      pending = this.connect(group);
      this.consumers.set(group, pending);
      pending.catch(() => this.consumers.delete(group));
    }
    return pending;
  }

  private async connect(group: string): Promise<NativeConsumer> {
    if (this.closed) throw new Error('closed');
    const consumer = new this.native.KafkaConsumer({
      ...baseConfig(this.options),
      'group.id': group,
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      'isolation.level': 'read_committed',
    });
    routeLogs(consumer, this.options.logger, `offsets of ${group}`);
    await call((cb) => consumer.connect({ timeout: this.options.requestTimeoutMs }, cb));
    return consumer;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.consumers.values()];
    this.consumers.clear();
    for (const pending of all) {
      const consumer = await pending.catch(() => undefined);
      if (consumer) await call((cb) => consumer.disconnect(cb)).catch(() => {});
    }
  }
}
