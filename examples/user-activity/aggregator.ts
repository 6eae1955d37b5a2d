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

/** Creates the topics (state co-partitioned with the input) and the aggregator. */
export async function createAggregator(log: EventLog, topics: ActivityTopics, group: string, partitions = 3): Promise<Processor<UserEvent>> {
  await log.ensureTopics([
    { name: topics.input, partitions },
    { name: topics.output, partitions },
    { name: topics.deadLetters, partitions: 1 },
    { name: topics.state, partitions, compacted: true },
  ]);
  const store = new KeyedStore<ActivitySummary>(log, topics.state);
  return new Processor<UserEvent>({
    log,
    stage: 'user-activity',
    group,
    input: topics.input,
    deadLetterTopic: topics.deadLetters,
    stores: [store as KeyedStore<unknown>],
    parse: (record) => parseValue(UserEvent, serde, record.value, fastUserEvent),
    maxBatch: MAX_BATCH,
    pipelined: true,
    handle: (items, ctx) => {
      const changed = new Map<string, ActivitySummary>();
      for (const { record, value: ev } of items) {
        if (record.key !== null && record.key !== ev.userId) {
          ctx.deadLetter(record, `key ${record.key} does not match userId ${ev.userId}`);
          continue;
        }
        const ts = ev.metadata.timestamp;
        const cur = store.get(ev.userId);
        const next: ActivitySummary = cur
          ? { userId: ev.userId, firstSeen: Math.min(cur.firstSeen, ts), lastSeen: Math.max(cur.lastSeen, ts) }
          : { userId: ev.userId, firstSeen: ts, lastSeen: ts };
        if (cur && cur.firstSeen === next.firstSeen && cur.lastSeen === next.lastSeen) continue;
        store.put(ev.userId, next);
        changed.set(ev.userId, next);
      }
      for (const [userId, summary] of changed) ctx.emit({ topic: topics.output, key: userId, value: JSON.stringify(summary) });
    },
  });
}
