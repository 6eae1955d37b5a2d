import { LogError } from '../../core/log.js';
import type { NativeError, NativeModule } from './native.js';

/** Error codes after which the same call may succeed: broker or coordinator moving, timeouts. */
const TRANSIENT = [
  'ERR__TIMED_OUT',
  'ERR__TIMED_OUT_QUEUE',
  'ERR__TRANSPORT',
  'ERR__ALL_BROKERS_DOWN',
  'ERR__RESOLVE',
  'ERR__PURGE_QUEUE',
  'ERR__PURGE_INFLIGHT',
  'ERR__MSG_TIMED_OUT',
  'ERR_REQUEST_TIMED_OUT',
  'ERR_NOT_COORDINATOR',
  'ERR_NOT_COORDINATOR_FOR_GROUP',
  'ERR_COORDINATOR_NOT_AVAILABLE',
  'ERR_COORDINATOR_LOAD_IN_PROGRESS',
  'ERR_LEADER_NOT_AVAILABLE',
  'ERR_NOT_LEADER_FOR_PARTITION',
  // A restarted broker answers these while it loads its metadata (Kafka lists them as retriable).
  'ERR_UNKNOWN_LEADER_EPOCH',
  'ERR_FENCED_LEADER_EPOCH',
  'ERR_OFFSET_NOT_AVAILABLE',
  'ERR_NOT_ENOUGH_REPLICAS',
  'ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'ERR_KAFKA_STORAGE_ERROR',
  'ERR_NETWORK_EXCEPTION',
  'ERR_REBALANCE_IN_PROGRESS',
  'ERR_ILLEGAL_GENERATION',
  'ERR_UNKNOWN_MEMBER_ID',
  'ERR_UNSTABLE_OFFSET_COMMIT',
  'ERR_CONCURRENT_TRANSACTIONS',
];

/** Turns librdkafka errors into {@link LogError}s with an honest `retriable`. */
export class ErrorMapper {
  private readonly transient: Set<number>;
  readonly codes: Record<string, number>;

  constructor(native: NativeModule) {
    this.codes = native.CODES.ERRORS;
    this.transient = new Set(TRANSIENT.map((name) => this.codes[name]).filter((c): c is number => c !== undefined));
  }

  retriable(err: unknown): boolean {
    if (err instanceof LogError) return err.retriable;
    const e = err as Partial<NativeError>;
    if (e.isFatal) return false;
    return e.isRetriable === true || e.isTxnRequiresAbort === true || (typeof e.code === 'number' && this.transient.has(e.code));
  }

  wrap(err: unknown, what: string): LogError {
    if (err instanceof LogError) return err;
    const e = err as { message?: unknown; code?: unknown } | undefined;
    const message = typeof e?.message === 'string' ? e.message : typeof e?.code === 'number' ? `error code ${e.code}` : String(err);
    return new LogError(`kafka: ${what}: ${message}`, this.retriable(err), { cause: err });
  }

  is(err: unknown, name: string): boolean {
    return (err as Partial<NativeError>)?.code === this.codes[name];
  }
}
