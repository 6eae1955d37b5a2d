/**
 * ytwatch's public building blocks, for pipelines of your own (see `examples/user-activity`):
 * the event-log contract and its backends, the consume → process → produce processor, the keyed
 * state store, and dead-letter records.
 */
export type { EventLog, Consumer, ConsumerOptions, LogRecord, ProduceRecord, TopicSpec, Transaction, PartitionOffset, TopicPartition, PollOptions } from './core/log.js';
export { LogError } from './core/log.js';
export { partitionFor, murmur2 } from './core/partition.js';
export { YtwatchError, ConfigError, isRetriable } from './core/errors.js';
export { DeadLetter, parseRecord } from './core/events.js';
export { SqliteLog, type SqliteLogOptions } from './log/sqlite/sqlite-log.js';
export { createEventLog, type CreateLogOptions } from './runtime/open-log.js';
export { Processor, nextOffsets, drain, type ProcessorOptions, type ProcessContext, type Item, type Parsed } from './stream/processor.js';
export { KeyedStore } from './stream/state.js';
export { readPartition, readTopic } from './stream/read.js';
