import type { ClientConfig } from './native.js';

/** Where librdkafka's warnings and errors go. Messages never contain credentials. */
export interface KafkaLogger {
  warn(message: string): void;
}

export interface KafkaLogOptions {
  /** Bootstrap servers, `host:port`. */
  brokers: string[];
  /** `client.id` of every connection (broker logs, quotas). */
  clientId: string;
  /** Partitions of topics created without an explicit count. Default 1. */
  defaultPartitions?: number;
  /** Replication factor of the topics `ensureTopics` creates. Default 1 (use 3 on a real cluster). */
  replicationFactor?: number;
  /**
   * Group session timeout: how long a crashed member keeps its partitions. Default 6000 ms (the
   * broker's default `group.min.session.timeout.ms`).
   */
  sessionTimeoutMs?: number;
  /**
   * Transaction timeout. A member killed inside a transaction blocks its partitions' successor until
   * the broker aborts it: this long plus the broker's
   * `transaction.abort.timed.out.transaction.cleanup.interval.ms`. Default 10000 ms.
   */
  transactionTimeoutMs?: number;
  /** Timeout of one admin request, commit or offset lookup. Default 30000 ms. */
  requestTimeoutMs?: number;
  /** Default: one line per distinct message on stderr, repeats within a minute dropped. */
  logger?: KafkaLogger;
  /** Extra librdkafka properties for every client, e.g. `security.protocol`, `sasl.*`. */
  config?: Record<string, string | number | boolean>;
}

export type ResolvedOptions = Required<Omit<KafkaLogOptions, 'config'>> & { config: Record<string, string | number | boolean> };

export function resolveOptions(options: KafkaLogOptions): ResolvedOptions {
  return {
    brokers: options.brokers,
    clientId: options.clientId,
    defaultPartitions: options.defaultPartitions ?? 1,
    replicationFactor: options.replicationFactor ?? 1,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 6000,
    transactionTimeoutMs: options.transactionTimeoutMs ?? 10_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    logger: options.logger ?? stderrLogger(),
    config: options.config ?? {},
  };
}

/** Settings shared by every client: no topic auto-creation, WARN-level logs, quick reconnects. */
export function baseConfig(o: ResolvedOptions): ClientConfig {
  return {
    'bootstrap.servers': o.brokers.join(','),
    'client.id': o.clientId,
    'allow.auto.create.topics': false,
    log_level: 4,
    'reconnect.backoff.max.ms': 2000,
    ...o.config,
  };
}

function stderrLogger(): KafkaLogger {
  return { warn: (message) => void process.stderr.write(`ytwatch: kafka: ${message}\n`) };
}
