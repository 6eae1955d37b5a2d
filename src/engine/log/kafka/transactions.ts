import type { PartitionOffset } from '../../core/log.js';
import type { ErrorMapper } from './errors.js';
import { routeLogs } from './logging.js';
import { call, type NativeConsumer, type NativeModule, type NativeProducer } from './native.js';
import { baseConfig, type ResolvedOptions } from './options.js';
import { enqueueAll, type PlacedBatch } from './codec.js';

/** A failed transaction and whether it is known to have left nothing behind. */
export class TxnFailure extends Error {
  constructor(
    cause: unknown,
    /** `aborted`: nothing of it is visible; `unknown`: it may have committed (re-read the offsets). */
    readonly outcome: 'aborted' | 'unknown',
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * One group member's transactional producer: each {@link commit} is one Kafka transaction holding
 * the records and the consumed offsets (`sendOffsetsToTransaction`, KIP-447 fencing by group
 * generation). After a fatal error or an abort that itself failed, the next use recreates the
 * producer with the same `transactional.id`; `initTransactions` then fences the old one and settles
 * its open transaction.
 */
export class TransactionalProducer {
  private producer?: NativeProducer;
  private broken = false;

  constructor(
    private readonly native: NativeModule,
    private readonly errors: ErrorMapper,
    private readonly options: ResolvedOptions,
    readonly transactionalId: string,
  ) {}

  /** Connects (or reconnects after a fatal error) and runs `initTransactions`. */
  async ready(): Promise<NativeProducer> {
    if (this.producer && !this.broken) return this.producer;
    if (this.producer) await this.disconnect();
    const timeout = this.options.requestTimeoutMs;
    const producer = new this.native.Producer({
      ...baseConfig(this.options),
      'transactional.id': this.transactionalId,
      'transaction.timeout.ms': this.options.transactionTimeoutMs,
      'enable.idempotence': true,
      'linger.ms': 1,
    });
    routeLogs(producer, this.options.logger, 'transactions');
    try {
      await call((cb) => producer.connect({ timeout }, cb));
      producer.setPollInBackground(true);
      await call((cb) => producer.initTransactions(timeout, cb));
    } catch (err) {
      await call((cb) => producer.disconnect(cb)).catch(() => {});
      throw this.errors.wrap(err, 'starting transactions');
    }
    this.producer = producer;
    this.broken = false;
    return producer;
  }

  /** Commits `batch` and `offsets` (for `consumer`'s group) in one transaction; throws {@link TxnFailure}. */
  async commit(batch: PlacedBatch, offsets: PartitionOffset[], consumer: NativeConsumer): Promise<void> {
    let producer: NativeProducer;
    try {
      producer = await this.ready();
    } catch (err) {
      throw new TxnFailure(err, 'aborted');
    }
    const timeout = this.options.requestTimeoutMs;
    try {
      await call((cb) => producer.beginTransaction(cb));
    } catch (err) {
      this.broken = true;
      throw new TxnFailure(err, 'aborted');
    }
    try {
      await enqueueAll(producer, batch, this.errors, timeout);
      if (offsets.length > 0) {
        const tps = offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset }));
        await call((cb) => producer.sendOffsetsToTransaction(tps, consumer, timeout, cb));
      }
      await this.commitTransaction(producer);
    } catch (err) {
      throw new TxnFailure(err, await this.abort(producer, err));
    }
  }

  /** `commitTransaction`, retried once when librdkafka says a retry may settle it. */
  private async commitTransaction(producer: NativeProducer): Promise<void> {
    const timeout = this.options.requestTimeoutMs;
    try {
      await call((cb) => producer.commitTransaction(timeout, cb));
    } catch (err) {
      const e = err as { isRetriable?: boolean; isTxnRequiresAbort?: boolean; isFatal?: boolean };
      if (!e.isRetriable || e.isTxnRequiresAbort || e.isFatal) throw err;
      await call((cb) => producer.commitTransaction(timeout, cb));
    }
  }

  private async abort(producer: NativeProducer, err: unknown): Promise<'aborted' | 'unknown'> {
    if ((err as { isFatal?: boolean }).isFatal) {
      this.broken = true;
      return 'unknown';
    }
    try {
      await call((cb) => producer.abortTransaction(this.options.requestTimeoutMs, cb));
      return 'aborted';
    } catch {
      this.broken = true;
      return 'unknown';
    }
  }

  private async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await call((cb) => producer.disconnect(cb)).catch(() => {});
  }

  async close(): Promise<void> {
    await this.disconnect();
  }
}
