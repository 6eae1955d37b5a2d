/**
 * The Apache Kafka backend of the event-log contract (`core/log.ts`). Loaded by
 * `runtime/open-log.ts` only when `KAFKA_BROKERS` is set; importing this module loads the native
 * client (`@confluentinc/kafka-javascript`, an optional dependency) and fails when it is missing.
 */
import type { EventLog } from '../../core/log.js';
import { KafkaLog } from './kafka-log.js';
import { loadNative } from './native.js';
import type { KafkaLogOptions } from './options.js';

export type { KafkaLogger, KafkaLogOptions } from './options.js';
export { KafkaLog } from './kafka-log.js';

const native = await loadNative();

/** A Kafka event log (`kind = 'kafka'`); connects lazily, creates no topics until `ensureTopics`. */
export async function createKafkaLog(options: KafkaLogOptions): Promise<EventLog> {
  return new KafkaLog(native, options);
}
