import type { Consumer, ConsumerOptions, EventLog, LogRecord, ProduceRecord, TopicSpec } from '../../core/log.js';
import { partitionFor } from '../../core/partition.js';
import { KafkaAdmin } from './admin.js';
import type { PlacedBatch } from './codec.js';
import { ErrorMapper } from './errors.js';
import { logHandlers } from './logging.js';
import { KafkaGroupConsumer } from './group-consumer.js';
import type { NativeModule } from './native.js';
import { baseConfig, resolveOptions, type KafkaLogOptions, type ResolvedOptions } from './options.js';
import { IdempotentProducer } from './producer.js';
import { PartitionReader } from './reader.js';

/**
 * The event log on Apache Kafka. Keys are placed with `partitionFor` (Kafka's murmur2), so records,
 * state changelogs and the embedded log agree on partitions. `produce` goes through an idempotent
 * producer; `Consumer.commit` is a Kafka transaction; everything reads `read_committed`. Topics are
 * never auto-created: produce and consume fail with a non-retriable `LogError` for unknown topics.
 */
export class KafkaLog implements EventLog {
  readonly kind = 'kafka';
  private readonly errors: ErrorMapper;
  private readonly options: ResolvedOptions;
  private readonly admin: KafkaAdmin;
  private readonly reader: PartitionReader;
  private producer?: Promise<IdempotentProducer>;
  private readonly consumers = new Set<KafkaGroupConsumer>();
  private closed = false;

  constructor(
    private readonly native: NativeModule,
    options: KafkaLogOptions,
  ) {
    this.options = resolveOptions(options);
    this.errors = new ErrorMapper(native);
    const createAdmin = () => native.AdminClient.create(baseConfig(this.options), logHandlers(this.options.logger, 'admin'));
    this.admin = new KafkaAdmin(native, createAdmin, this.errors, this.options);
    this.reader = new PartitionReader(native, this.errors, this.options, this.admin);
  }

  ensureTopics(topics: TopicSpec[]): Promise<void> {
    return this.admin.ensureTopics(topics);
  }

  async produce(records: ProduceRecord[]): Promise<void> {
    if (records.length === 0) return;
    const placed = await this.place(records);
    this.producer ??= IdempotentProducer.connect(this.native, this.errors, this.options).catch((err: unknown) => {
      this.producer = undefined;
      throw err;
    });
    await (await this.producer).send(placed);
  }

  async consumer(options: ConsumerOptions): Promise<Consumer> {
    const consumer = new KafkaGroupConsumer(
      {
        native: this.native,
        errors: this.errors,
        options: this.options,
        admin: this.admin,
        place: (r) => this.place(r),
        closed: (c) => this.consumers.delete(c),
      },
      options,
    );
    this.consumers.add(consumer);
    try {
      await consumer.start();
    } catch (err) {
      this.consumers.delete(consumer);
      throw err;
    }
    return consumer;
  }

  endOffsets(topic: string): Promise<Map<number, number>> {
    return this.admin.endOffsets(topic);
  }

  committedOffsets(group: string, topic: string): Promise<Map<number, number>> {
    return this.admin.committedOffsets(group, topic);
  }

  read(topic: string, partition: number, fromOffset: number, maxRecords: number): Promise<LogRecord[]> {
    return this.reader.read(topic, partition, fromOffset, maxRecords);
  }

  partitionCount(topic: string): Promise<number> {
    return this.admin.partitionCount(topic);
  }

  /** Closes every consumer still open (calling their `onRevoke`), then the clients. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of [...this.consumers]) await c.close().catch(() => {});
    await this.reader.close();
    const producer = await this.producer?.catch(() => undefined);
    await producer?.close();
    await this.admin.close();
  }

  /** Chooses each record's partition as the embedded log does; rejects unknown topics. */
  private async place(records: readonly ProduceRecord[]): Promise<PlacedBatch> {
    const counts = new Map<string, number>();
    for (const r of records) if (!counts.has(r.topic)) counts.set(r.topic, await this.admin.partitionCount(r.topic));
    const partitions = new Int32Array(records.length);
    for (let i = 0; i < records.length; i++) partitions[i] = partitionFor(records[i]!.key, counts.get(records[i]!.topic)!);
    return { records, partitions };
  }
}
