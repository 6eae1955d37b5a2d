/**
 * firstSeen / lastSeen per user, built only from ytwatch's public blocks: a `Processor` reading
 * `input_topic`, a `KeyedStore` on a compacted changelog, dead letters for malformed events. It is
 * the table of `CREATE TABLE output_topic AS SELECT userId, MIN(timestamp), MAX(timestamp) … GROUP BY
 * userId`, keyed by userId. Like a Kafka Streams table with its record cache, each commit publishes
 * the latest summary of every user it changed (not every intermediate change), and the state
 * changelog gets one record per user per commit. Exactly once between topics: outputs, state and
 * offsets commit together, so a restart neither loses nor double-counts (min/max are idempotent besides).
 */
import { KeyedStore, Processor, jsonSerde, parseValue, type EventLog } from '../../src/index.js';
import { UserEvent, fastUserEvent, type ActivitySummary } from './event.js';

const serde = jsonSerde<UserEvent>();

export interface ActivityTopics {
  input: string;
  output: string;
  deadLetters: string;
  state: string;
}

export function activityTopics(prefix = ''): ActivityTopics {
  return {
    input: `${prefix}input_topic`,
    output: `${prefix}output_topic`,
    deadLetters: `${prefix}user_activity_dead_letters`,
    state: `${prefix}user_activity_state`,
  };
}

/** Events per batch (one commit); larger batches coalesce more updates of a user into one output. */
const MAX_BATCH = 20_000;
/**
 * Events per `handle` call within a batch: each slice is parsed, handled and dropped before the next
 * is read, so the events die young. Holding a whole batch's 20,000 parsed events made the example
 * spend 3× the plain consumer loop's time in garbage collection.
 */
const MAX_POLL = 2_000;

/** Creates the topics (state co-partitioned with the input) and the aggregator. */
export async function createAggregator(log: EventLog, topics: ActivityTopics, group: string, partitions = 3): Promise<Processor<UserEvent>> {
  await log.ensureTopics([
    { name: topics.input, partitions },
    { name: topics.output, partitions },
    { name: topics.deadLetters, partitions: 1 },
    { name: topics.state, partitions, compacted: true },
  ]);
  // The store publishes each commit's changes to the output topic: the table's stream of updates.
  const store = new KeyedStore<ActivitySummary>(log, topics.state, jsonSerde<ActivitySummary>(), { changesTo: topics.output });
  return new Processor<UserEvent>({
    log,
    stage: 'user-activity',
    group,
    input: topics.input,
    deadLetterTopic: topics.deadLetters,
    stores: [store as KeyedStore<unknown>],
    parse: (record) => parseValue(UserEvent, serde, record.value, fastUserEvent),
    maxBatch: MAX_BATCH,
    maxPoll: MAX_POLL,
    pipelined: true,
    handle: (items, ctx) => {
      for (const { record, value: ev } of items) {
        if (record.key !== null && record.key !== ev.userId) {
          ctx.deadLetter(record, `key ${record.key} does not match userId ${ev.userId}`);
          continue;
        }
        const ts = ev.metadata.timestamp;
        const cur = store.get(ev.userId);
        if (cur && ts >= cur.firstSeen && ts <= cur.lastSeen) continue;
        store.put(ev.userId, cur ? { userId: ev.userId, firstSeen: Math.min(cur.firstSeen, ts), lastSeen: Math.max(cur.lastSeen, ts) } : { userId: ev.userId, firstSeen: ts, lastSeen: ts });
      }
    },
  });
}
