/**
 * The slice of `@confluentinc/kafka-javascript` (its node-rdkafka-style API over librdkafka) this
 * backend uses, typed structurally here so that type-checking and the embedded mode never depend on
 * the optional native package being installed. Loaded only when Kafka is selected.
 */

/** An error from librdkafka, as the client hands it to callbacks. */
export interface NativeError extends Error {
  code: number;
  isFatal?: boolean;
  isRetriable?: boolean;
  isTxnRequiresAbort?: boolean;
}

export interface NativeTopicPartition {
  topic: string;
  partition: number;
  offset?: number;
  error?: NativeError;
}

export interface NativeMessage {
  topic: string;
  partition: number;
  offset: number;
  key?: Buffer | string | null;
  value: Buffer | null;
  timestamp?: number;
  headers?: Array<Record<string, Buffer | string>>;
}

export type Callback<T = void> = (err: NativeError | null | undefined, value: T) => void;
export type ClientConfig = Record<string, string | number | boolean | ((...args: never[]) => void)>;

/** librdkafka's `event.log` payload. Severity follows syslog: 3 error, 4 warning, 6 info, 7 debug. */
export interface NativeLogEvent {
  severity: number;
  fac: string;
  message: string;
}

interface NativeClient {
  connect(options: { timeout?: number }, cb: Callback<any>): void;
  disconnect(cb: Callback<any>): void;
  on(event: 'event.log', listener: (log: NativeLogEvent) => void): void;
  on(event: 'event.error', listener: (err: NativeError) => void): void;
}

export interface NativeConsumer extends NativeClient {
  subscribe(topics: string[]): void;
  unsubscribe(): void;
  assign(partitions: NativeTopicPartition[]): void;
  unassign(): void;
  consume(count: number, cb: Callback<NativeMessage[]>): void;
  setDefaultConsumeTimeout(ms: number): void;
  setDefaultIsTimeoutOnlyForFirstMessage(value: boolean): void;
  committed(partitions: NativeTopicPartition[], timeoutMs: number, cb: Callback<NativeTopicPartition[]>): void;
  position(partitions?: NativeTopicPartition[]): NativeTopicPartition[];
  seek(partition: NativeTopicPartition, timeoutMs: number, cb: Callback): void;
}

export interface NativeProducer extends NativeClient {
  produce(topic: string, partition: number, value: Buffer | null, key: string | null, timestamp: null, opaque: unknown, headers?: Array<Record<string, string>>): void;
  flush(timeoutMs: number, cb: Callback): void;
  setPollInBackground(on: boolean): void;
  on(event: 'delivery-report', listener: (err: NativeError | null | undefined, report: { opaque?: unknown }) => void): void;
  on(event: 'event.log', listener: (log: NativeLogEvent) => void): void;
  on(event: 'event.error', listener: (err: NativeError) => void): void;
  initTransactions(timeoutMs: number, cb: Callback): void;
  beginTransaction(cb: Callback): void;
  sendOffsetsToTransaction(offsets: NativeTopicPartition[], consumer: NativeConsumer, timeoutMs: number, cb: Callback): void;
  commitTransaction(timeoutMs: number, cb: Callback): void;
  abortTransaction(timeoutMs: number, cb: Callback): void;
}

export interface NativeNewTopic {
  topic: string;
  num_partitions: number;
  replication_factor: number;
  config?: Record<string, string>;
}

export interface NativeAdmin {
  createTopic(topic: NativeNewTopic, timeoutMs: number, cb: Callback): void;
  describeTopics(topics: string[], options: { timeout: number }, cb: Callback<Array<{ name: string; partitions: unknown[]; error?: NativeError }>>): void;
  listOffsets(
    partitions: Array<{ topic: string; partition: number; offset: unknown }>,
    options: { timeout: number; isolationLevel: number },
    cb: Callback<Array<{ topic: string; partition: number; offset: number; error?: NativeError }>>,
  ): void;
  disconnect(): void;
}

/** The module's CommonJS exports that this backend touches. */
export interface NativeModule {
  KafkaConsumer: new (config: ClientConfig, topicConfig?: ClientConfig) => NativeConsumer;
  Producer: new (config: ClientConfig, topicConfig?: ClientConfig) => NativeProducer;
  /** `handlers`: event name → listener (`event.log`, `event.error`). */
  AdminClient: { create(config: ClientConfig, handlers?: object): NativeAdmin };
  OffsetSpec: { LATEST: unknown };
  IsolationLevel: { READ_UNCOMMITTED: number; READ_COMMITTED: number };
  CODES: { ERRORS: Record<string, number> };
}

/** Loads the native client; throws (with the loader's message) when it is not installed or not built. */
export async function loadNative(): Promise<NativeModule> {
  // A variable specifier keeps TypeScript from resolving the optional package's own types.
  const specifier = '@confluentinc/kafka-javascript';
  const mod = (await import(specifier)) as { default?: NativeModule } & NativeModule;
  return mod.default ?? mod;
}

/** Runs a callback-style native call as a promise. */
export function call<T = void>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn((err, value) => (err ? reject(err) : resolve(value)));
  });
}
