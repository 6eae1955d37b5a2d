import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EventLog, TopicSpec } from '../core/log.js';
import { ConfigError } from '../core/errors.js';
import { TOPICS, type Names } from '../core/topics.js';
import { SqliteLog } from '../log/sqlite/sqlite-log.js';
import type { Env, FileConfig } from '../config/schema.js';

export interface OpenLogOptions {
  dataDir: string;
  names: Names;
  kafkaBrokers?: string;
  /** Partitions of the data topics. */
  partitions: number;
  replicationFactor?: number;
}

/** The log settings of a deployment: Kafka's partitions and replication on Kafka, the config's otherwise. */
export function logOptions(env: Env, config: FileConfig, names: Names): OpenLogOptions {
  return env.KAFKA_BROKERS
    ? { dataDir: env.YTWATCH_DATA_DIR, names, kafkaBrokers: env.KAFKA_BROKERS, partitions: env.KAFKA_PARTITIONS, replicationFactor: env.KAFKA_REPLICATION_FACTOR }
    : { dataDir: env.YTWATCH_DATA_DIR, names, partitions: config.partitions };
}

const SINGLE = new Set<keyof typeof TOPICS>(['notifySent', 'status', 'dlqMarks']);

/** Every topic ytwatch uses, with the state changelog co-partitioned with its input. */
export function topicSpecs(names: Names, partitions: number): TopicSpec[] {
  return (Object.keys(TOPICS) as Array<keyof typeof TOPICS>).map((t) => ({
    name: names.topic(t),
    partitions: SINGLE.has(t) ? 1 : partitions,
    compacted: t === 'detectState' || SINGLE.has(t),
  }));
}

export interface CreateLogOptions {
  /** Folder of the embedded log (`log.db`). */
  dataDir: string;
  /** Comma-separated bootstrap servers; when set the log is Apache Kafka. */
  kafkaBrokers?: string;
  /** Partitions of topics created without an explicit count. */
  partitions?: number;
  /** Kafka only. Default 1. */
  replicationFactor?: number;
  clientId?: string;
}

/**
 * The configured event log, with no topics created: embedded SQLite in the data folder by default,
 * Apache Kafka when `kafkaBrokers` is set (its client is loaded only then).
 */
export async function createEventLog(options: CreateLogOptions): Promise<EventLog> {
  if (!options.kafkaBrokers) return new SqliteLog({ path: join(options.dataDir, 'log.db'), defaultPartitions: options.partitions });
  let mod: { createKafkaLog: (o: { brokers: string[]; clientId: string; defaultPartitions?: number; replicationFactor?: number }) => Promise<EventLog> };
  try {
    // A variable specifier: the Kafka backend (and its native client) load only in Kafka mode.
    const specifier = '../log/kafka/index.js';
    mod = (await import(specifier)) as typeof mod;
  } catch (err) {
    throw new ConfigError(
      `KAFKA_BROKERS is set but the Kafka client could not be loaded: ${(err as Error).message.split('\n')[0]}`,
      'install it with `npm install @confluentinc/kafka-javascript` (CKJS_LINKING=dynamic), or unset KAFKA_BROKERS for the embedded log',
    );
  }
  return mod.createKafkaLog({
    brokers: options.kafkaBrokers.split(',').map((b) => b.trim()),
    clientId: options.clientId ?? 'ytwatch',
    defaultPartitions: options.partitions,
    replicationFactor: options.replicationFactor,
  });
}

/** False when the embedded log has never been written (no `log.db`): readers then need not create the data folder. */
export function logExists(options: OpenLogOptions): boolean {
  return options.kafkaBrokers !== undefined || existsSync(join(options.dataDir, 'log.db'));
}

/** Opens the configured event log and creates ytwatch's topics. */
export async function openLog(options: OpenLogOptions): Promise<EventLog> {
  const log = await createEventLog(options);
  try {
    await log.ensureTopics(topicSpecs(options.names, options.partitions));
  } catch (err) {
    // A Kafka client left open would keep the process alive after the error is reported.
    await log.close().catch(() => {});
    throw err;
  }
  return log;
}
