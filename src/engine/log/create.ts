import { join } from 'node:path';
import type { EventLog } from '../core/log.js';
import { ConfigError } from '../core/errors.js';
import { PACKAGE_ROOT } from '../core/package.js';
import { SqliteLog } from './sqlite/sqlite-log.js';

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
  /** Where the Kafka client's diagnostics go (a pino logger fits). Default: stderr. */
  logger?: { warn(message: string): void };
}

/**
 * The configured event log, with no topics created: embedded SQLite in the data folder by default,
 * Apache Kafka when `kafkaBrokers` is set (its client is loaded only then).
 */
export async function createEventLog(options: CreateLogOptions): Promise<EventLog> {
  if (!options.kafkaBrokers) return new SqliteLog({ path: join(options.dataDir, 'log.db'), defaultPartitions: options.partitions });
  let mod: { createKafkaLog: (o: { brokers: string[]; clientId: string; defaultPartitions?: number; replicationFactor?: number; logger?: { warn(message: string): void } }) => Promise<EventLog> };
  try {
    // A variable specifier: the Kafka backend (and its native client) load only in Kafka mode.
    const specifier = './kafka/index.js';
    mod = (await import(specifier)) as typeof mod;
  } catch (err) {
    throw new ConfigError(
      `KAFKA_BROKERS is set but the Kafka client could not be loaded (${(err as Error).message.split('\n')[0]})`,
      `run \`cd ${PACKAGE_ROOT} && npm run kafka:client\` (builds it against this machine's libraries, once), or unset KAFKA_BROKERS for the embedded log`,
      { cause: err },
    );
  }
  return mod.createKafkaLog({
    brokers: options.kafkaBrokers.split(',').map((b) => b.trim()),
    clientId: options.clientId ?? 'ytwatch',
    defaultPartitions: options.partitions,
    replicationFactor: options.replicationFactor,
    logger: options.logger,
  });
}
