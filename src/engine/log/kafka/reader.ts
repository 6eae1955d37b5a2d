import { randomUUID } from 'node:crypto';
import type { LogRecord } from '../../core/log.js';
import { LogError } from '../../core/log.js';
import type { KafkaAdmin } from './admin.js';
import { toRecord } from './codec.js';
import type { ErrorMapper } from './errors.js';
import { routeLogs } from './logging.js';
import { call, type NativeConsumer, type NativeMessage, type NativeModule } from './native.js';
import { baseConfig, type ResolvedOptions } from './options.js';

/** How long a read may make no progress before it gives up (broker away). */
const IDLE_MS = 10_000;

/**
 * Reads one partition range outside any group (`assign`, never `subscribe`, never commits), with
 * `read_committed` isolation: restores state and lists dead letters. One connection, reused and
 * serialised across reads. A read stops at the partition's last stable offset as it was when the
 * read began, so it returns promptly at the end instead of waiting for more.
 */
export class PartitionReader {
  private consumer?: Promise<NativeConsumer>;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly native: NativeModule,
    private readonly errors: ErrorMapper,
    private readonly options: ResolvedOptions,
    private readonly admin: KafkaAdmin,
  ) {}

  read(topic: string, partition: number, fromOffset: number, maxRecords: number): Promise<LogRecord[]> {
    const run = this.tail.then(() => this.readNow(topic, partition, fromOffset, maxRecords));
    this.tail = run.catch(() => {});
    return run;
  }

  private async readNow(topic: string, partition: number, from: number, max: number): Promise<LogRecord[]> {
    if ((await this.admin.partitionCount(topic)) <= partition) throw new LogError(`unknown partition ${topic}[${partition}]`, false);
    const end = (await this.admin.endOffsets(topic, [partition])).get(partition) ?? 0;
    if (from >= end || max <= 0) return [];
    const consumer = await this.connect();
    consumer.assign([{ topic, partition, offset: Math.max(0, from) }]);
    try {
      const out: LogRecord[] = [];
      let next = from;
      let lastPosition: number | undefined;
      let progressAt = Date.now();
      while (out.length < max) {
        const messages = await consumeSome(consumer, max - out.length, 100).catch((err: unknown) => {
          if (this.errors.retriable(err)) return [] as NativeMessage[];
          throw this.errors.wrap(err, `reading ${topic}[${partition}]`);
        });
        for (const m of messages) {
          if (m.topic !== topic || m.partition !== partition || m.offset < next) continue;
          out.push(toRecord(m));
          next = m.offset + 1;
        }
        const position = consumer.position([{ topic, partition }])[0]?.offset;
        if (next >= end || (position !== undefined && position >= end)) break;
        if (messages.length > 0 || position !== lastPosition) {
          progressAt = Date.now();
          lastPosition = position;
        } else if (Date.now() - progressAt > IDLE_MS) {
          if (out.length > 0) break;
          throw new LogError(`kafka: reading ${topic}[${partition}] from ${from}: no progress in ${IDLE_MS} ms`, true);
        }
      }
      return out;
    } finally {
      consumer.unassign();
    }
  }

  private connect(): Promise<NativeConsumer> {
    this.consumer ??= (async () => {
      const consumer = new this.native.KafkaConsumer({
        ...baseConfig(this.options),
        'group.id': `${this.options.clientId}-reader-${randomUUID()}`,
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        'isolation.level': 'read_committed',
        'auto.offset.reset': 'earliest',
        'fetch.wait.max.ms': 100,
      });
      routeLogs(consumer, this.options.logger, 'reader');
      await call((cb) => consumer.connect({ timeout: this.options.requestTimeoutMs }, cb));
      consumer.setDefaultIsTimeoutOnlyForFirstMessage(true);
      return consumer;
    })().catch((err: unknown) => {
      this.consumer = undefined;
      throw this.errors.wrap(err, 'connecting the reader');
    });
    return this.consumer;
  }

  async close(): Promise<void> {
    await this.tail;
    const pending = this.consumer;
    this.consumer = undefined;
    const consumer = await pending?.catch(() => undefined);
    if (consumer) await call((cb) => consumer.disconnect(cb)).catch(() => {});
  }
}

/** One native `consume` call: up to `count` ready messages, waiting at most `timeoutMs` for the first. */
export function consumeSome(consumer: NativeConsumer, count: number, timeoutMs: number): Promise<NativeMessage[]> {
  consumer.setDefaultConsumeTimeout(timeoutMs);
  return call<NativeMessage[]>((cb) => consumer.consume(count, cb));
}
