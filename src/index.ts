/**
 * ytwatch's public building blocks, for pipelines of your own (see `examples/user-activity`):
 * the event-log contract and its backends, the consume → process → produce processor, the keyed
 * state store, dead-letter records, and typed topics (a zod schema and a serde per topic; values
 * are bytes, JSON by default).
 */
export type { EventLog, Consumer, ConsumerOptions, LogRecord, ProduceRecord, TopicSpec, Transaction, PartitionOffset, TopicPartition, PollOptions } from './engine/core/log.js';
export { LogError } from './engine/core/log.js';
export { partitionFor, murmur2 } from './engine/core/partition.js';
export { YtwatchError, ConfigError, isRetriable } from './engine/core/errors.js';
export { DeadLetter, parseRecord } from './engine/core/records.js';
export { SqliteLog, type SqliteLogOptions } from './engine/log/sqlite/sqlite-log.js';
export { createEventLog, type CreateLogOptions } from './engine/log/create.js';
export { Processor, nextOffsets, drain, type ProcessorOptions, type ProcessContext, type Item, type Parsed } from './engine/stream/processor.js';
export { KeyedStore, type KeyedStoreOptions } from './engine/stream/state.js';
export { readPartition, readTopic } from './engine/stream/read.js';
export { defineTopic, bindTopic, parseValue, type TopicDef, type Topic } from './engine/core/topic.js';
export { jsonSerde, type Serde } from './engine/core/serde.js';
export { utf8, text } from './engine/core/bytes.js';
export { DEAD_LETTERS, letterValue, originalValue } from './engine/core/records.js';
export { Wakeup, type Source } from './engine/stream/source.js';
