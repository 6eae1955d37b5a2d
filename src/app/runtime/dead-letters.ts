import type { EventLog, ProduceRecord } from '../../engine/core/log.js';
import { originalValue } from '../../engine/core/records.js';
import { YtwatchError } from '../../engine/core/errors.js';
import { LEGACY_REPLAY_GROUP, listDeadLetters, sameThing, type DeadLetterEntry } from '../core/dead-letters.js';
import type { DlqMark } from '../core/events.js';
import type { Names } from '../core/topics.js';
import { SINK_HEADER } from '../stages/notify.js';

/** Runs `fn` as the only replay or purge on this data folder (embedded log; Kafka has no such lock). */
async function exclusive<T>(log: EventLog, names: Names, fn: () => Promise<T>): Promise<T> {
  if (log.kind !== 'sqlite') return fn();
  const member = await log.consumer({ group: names.prefix + LEGACY_REPLAY_GROUP, topics: [names.topic('deadLetters')] });
  try {
    return await fn();
  } finally {
    await member.close();
  }
}

/** Header on a re-queued record: the id of the dead letter it came from. */
export const REPLAY_HEADER = 'ytwatch-replay-of';

export interface ReplayResult {
  requeued: number;
  /** Waiting dead letters that carry nothing to re-queue (unreadable); left waiting. */
  skipped: number;
}

/**
 * Re-queues the waiting dead letters (or only `ids`) to their original topics and marks each one
 * replayed, with its superseded copies, in the same append: a dead letter is re-queued at most
 * once, and one that fails again comes back as a single new waiting dead letter. Dead letters
 * written while the replay runs are left for the next one. A notify failure goes back to its sink only.
 */
export function replayDeadLetters(log: EventLog, names: Names, ids?: string[], clock = Date.now): Promise<ReplayResult> {
  return exclusive(log, names, () => replay(log, names, ids, clock));
}

async function replay(log: EventLog, names: Names, ids: string[] | undefined, clock: () => number): Promise<ReplayResult> {
  const entries = await listDeadLetters(log, names);
  const chosen = pick(entries, ids, 'replay');
  const produce: ProduceRecord[] = [];
  let skipped = 0;
  for (const e of chosen) {
    const l = e.letter;
    if (!l || l.value === null) {
      skipped++;
      continue;
    }
    const headers: Record<string, string> = { [REPLAY_HEADER]: e.id, ...(l.sink ? { [SINK_HEADER]: l.sink } : {}) };
    produce.push({ topic: l.topic, key: l.key, value: originalValue(l), headers });
    produce.push(...marksFor(entries, e, 'replayed', names, clock()));
  }
  if (produce.length > 0) await log.produce(produce);
  return { requeued: chosen.length - skipped, skipped };
}

/** Marks waiting dead letters (or `ids`, or those older than `before`) purged; nothing is delivered. */
export function purgeDeadLetters(log: EventLog, names: Names, options: { ids?: string[]; before?: number } = {}, clock = Date.now): Promise<number> {
  return exclusive(log, names, async () => {
    const entries = await listDeadLetters(log, names);
    const chosen = pick(entries, options.ids, 'purge').filter((e) => options.before === undefined || (e.letter?.at ?? e.record.timestamp) < options.before!);
    const produce = chosen.flatMap((e) => marksFor(entries, e, 'purged', names, clock()));
    if (produce.length > 0) await log.produce(produce);
    return chosen.length;
  });
}

function pick(entries: DeadLetterEntry[], ids: string[] | undefined, what: string): DeadLetterEntry[] {
  if (!ids) return entries.filter((e) => e.state === 'waiting');
  return ids.map((id) => {
    const e = entries.find((x) => x.id === id);
    if (!e) throw new YtwatchError(`no dead letter with id ${id}`, { hint: 'see the ids in `ytwatch dlq list`' });
    if (e.state !== 'waiting') throw new YtwatchError(`dead letter ${id} is ${e.state}, not waiting`, { hint: `only waiting dead letters can be ${what === 'replay' ? 'replayed' : 'purged'}; see \`ytwatch dlq list\`` });
    return e;
  });
}

/** Marks for `entry` and every superseded copy of it that is not marked yet. */
function marksFor(entries: DeadLetterEntry[], entry: DeadLetterEntry, action: DlqMark['action'], names: Names, at: number): ProduceRecord[] {
  const same = entries.filter((e) => e === entry || (e.state === 'superseded' && sameThing(e, entry) && !e.marked));
  return same.map((e) => names.of('dlqMarks').record({ action, at }, { key: e.id }));
}
