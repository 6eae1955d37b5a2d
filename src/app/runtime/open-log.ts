import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EventLog, TopicSpec } from '../../engine/core/log.js';
import type { Names } from '../core/topics.js';
import { createEventLog } from '../../engine/log/create.js';
import type { Env, FileConfig } from '../config/schema.js';
import type { Logger } from './logger.js';

export interface OpenLogOptions {
  dataDir: string;
  names: Names;
  kafkaBrokers?: string;
  /** Partitions of the data topics. */
  partitions: number;
  replicationFactor?: number;
  /** Where the Kafka client's diagnostics go. Default: stderr. */
  logger?: { warn(message: string): void };
}

/** The log settings of a deployment: Kafka's partitions and replication on Kafka, the config's otherwise. */
export function logOptions(env: Env, config: FileConfig, names: Names, logger?: Logger): OpenLogOptions {
  return env.KAFKA_BROKERS
    ? { dataDir: env.YTWATCH_DATA_DIR, names, kafkaBrokers: env.KAFKA_BROKERS, partitions: env.KAFKA_PARTITIONS, replicationFactor: env.KAFKA_REPLICATION_FACTOR, logger: kafkaLogger(logger) }
    : { dataDir: env.YTWATCH_DATA_DIR, names, partitions: config.partitions };
}

/** The Kafka client's diagnostics as pino warnings (`component: "kafka"`), at the configured level. */
function kafkaLogger(logger?: Logger): OpenLogOptions['logger'] {
  if (!logger) return undefined;
  const child = logger.child({ component: 'kafka' });
  return { warn: (message) => child.warn(message) };
}

/** Every topic ytwatch uses, with the state changelog co-partitioned with its input. */
export function topicSpecs(names: Names, partitions: number): TopicSpec[] {
  return names.specs(partitions);
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
