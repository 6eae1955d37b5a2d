import { enqueueAll, type PlacedBatch } from './codec.js';
import type { ErrorMapper } from './errors.js';
import { routeLogs } from './logging.js';
import { call, type NativeError, type NativeModule, type NativeProducer } from './native.js';
import { baseConfig, type ResolvedOptions } from './options.js';

/** Counts one `produce` call's delivery reports; settles after the last or the first failure. */
class Delivery {
  private left: number;
  private failed = false;
  constructor(
    count: number,
    private readonly resolve: () => void,
    private readonly reject: (err: unknown) => void,
  ) {
    this.left = count;
  }
  report(err: NativeError | null | undefined): void {
    if (this.failed) return;
    if (err) {
      this.failed = true;
      this.reject(err);
    } else if (--this.left === 0) {
      this.resolve();
    }
  }
}

/**
 * The plain producer behind `EventLog.produce`: idempotent (`enable.idempotence`, acks=all, no
 * duplicates or reordering from retries), resolving only when the broker acknowledged every record.
 * While the broker is away records wait and are retried for up to `message.timeout.ms` (5 min).
 */
export class IdempotentProducer {
  private constructor(
    private readonly producer: NativeProducer,
    private readonly errors: ErrorMapper,
    private readonly options: ResolvedOptions,
  ) {}

  static async connect(native: NativeModule, errors: ErrorMapper, options: ResolvedOptions): Promise<IdempotentProducer> {
    const producer = new native.Producer({
      ...baseConfig(options),
      'enable.idempotence': true,
      'linger.ms': 5,
      dr_cb: true,
    });
    routeLogs(producer, options.logger, 'producer');
    producer.on('delivery-report', (err, report) => (report.opaque as Delivery | undefined)?.report(err));
    await call((cb) => producer.connect({ timeout: options.requestTimeoutMs }, cb)).catch((err: unknown) => {
      throw errors.wrap(err, 'connecting the producer');
    });
    producer.setPollInBackground(true);
    return new IdempotentProducer(producer, errors, options);
  }

  async send(batch: PlacedBatch): Promise<void> {
    const n = batch.records.length;
    if (n === 0) return;
    let delivery!: Delivery;
    const delivered = new Promise<void>((resolve, reject) => (delivery = new Delivery(n, resolve, reject)));
    // Settles on the last report or the first failure, of a report or of the enqueueing.
    const failure = delivered.then(
      () => undefined,
      (err: unknown) => ({ err }),
    );
    await enqueueAll(this.producer, batch, this.errors, this.options.requestTimeoutMs, delivery).catch((err: unknown) => delivery.report(err as NativeError));
    const failed = await failure;
    if (failed) throw this.errors.wrap(failed.err, 'producing');
  }

  async close(): Promise<void> {
    await call((cb) => this.producer.flush(Math.min(this.options.requestTimeoutMs, 5000), cb)).catch(() => {});
    await call((cb) => this.producer.disconnect(cb)).catch(() => {});
  }
}
