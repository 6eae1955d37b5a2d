import { createHash } from 'node:crypto';
import type { EventLog, LogRecord, ProduceRecord } from '../core/log.js';
import { Alert, DeadLetter, parseRecord } from '../core/events.js';
import { YtwatchError } from '../core/errors.js';
import type { Names } from '../core/topics.js';
import { readTopic } from '../stream/read.js';
import { SINK_HEADER } from '../stages/notify.js';

/**
 * The group `dlq replay` used before replays were marked one by one: its offsets still count as
 * replayed, and on the embedded log its member lock keeps two replays or purges from running at once.
 */
const LEGACY_REPLAY_GROUP = 'ytwatch-dlq-replay';

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

export type DeadLetterState = 'waiting' | 'replayed' | 'purged' | 'superseded';

export interface DeadLetterEntry {
  /** `partition-offset` in the dead-letter topic; what `dlq replay --id` takes. */
  id: string;
  record: LogRecord;
  /** Absent when the dead letter itself cannot be read. */
  letter?: DeadLetter;
  /** The alert it carries, when it is one. */
  alert?: Alert;
  /**
   * `superseded`: the same alert (or record) failed again later; only the newest one waits.
   * `replayed` / `purged`: done by `dlq replay` / `dlq purge`.
   */
  state: DeadLetterState;
  /** How many times this alert (or record) was dead-lettered in all. */
  failures: number;
  /** Replayed or purged already (a superseded copy may be either). */
  marked: boolean;
}

interface Mark {
  action: 'replayed' | 'purged';
  at: number;
}

export const deadLetterId = (r: LogRecord) => `${r.partition}-${r.offset}`;

/** What stays the same when the same thing fails again: stage, sink, original topic and bytes. */
function identity(l: DeadLetter | undefined, r: LogRecord): string {
  if (!l) return `unreadable/${deadLetterId(r)}`;
  return createHash('sha1').update(`${l.stage}\u0000${l.sink ?? ''}\u0000${l.topic}\u0000${l.value ?? ''}`).digest('hex');
}

/**
 * Every dead letter, oldest first, with its state. Only the newest dead letter of an alert that
 * failed several times is `waiting`, so a replay that fails again does not multiply them.
 */
export async function listDeadLetters(log: EventLog, names: Names): Promise<DeadLetterEntry[]> {
  const topic = names.topic('deadLetters');
  const [records, markRecords, legacy] = await Promise.all([
    readTopic(log, topic),
    readTopic(log, names.topic('dlqMarks')),
    log.committedOffsets(names.prefix + LEGACY_REPLAY_GROUP, topic),
  ]);
  const marks = new Map<string, Mark>();
  for (const m of markRecords) if (m.key !== null && m.value !== null) marks.set(m.key, JSON.parse(m.value) as Mark);
  const entries = records
    .sort((a, b) => a.timestamp - b.timestamp || a.offset - b.offset)
    .map((record) => {
      const parsed = parseRecord(DeadLetter, record.value);
      const letter = parsed.ok ? parsed.value : undefined;
      const alert = letter?.topic === names.topic('outbox') && letter.value ? parseRecord(Alert, letter.value) : undefined;
      const id = deadLetterId(record);
      const mark = marks.get(id)?.action ?? (record.offset < (legacy.get(record.partition) ?? 0) ? 'replayed' : undefined);
      return { id, record, letter, alert: alert?.ok ? alert.value : undefined, state: mark ?? ('waiting' as DeadLetterState), marked: mark !== undefined, failures: 1, key: identity(letter, record) };
    });
  const newest = new Map<string, string>();
  const count = new Map<string, number>();
  for (const e of entries) {
    newest.set(e.key, e.id);
    count.set(e.key, (count.get(e.key) ?? 0) + 1);
  }
  return entries.map(({ key, ...e }): DeadLetterEntry => ({
    ...e,
    failures: count.get(key)!,
    state: newest.get(key) !== e.id ? 'superseded' : e.state,
  }));
}

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
    produce.push({ topic: l.topic, key: l.key, value: l.value, headers });
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
function marksFor(entries: DeadLetterEntry[], entry: DeadLetterEntry, action: Mark['action'], names: Names, at: number): ProduceRecord[] {
  const same = entries.filter((e) => e === entry || (e.state === 'superseded' && sameThing(e, entry) && !e.marked));
  return same.map((e) => ({ topic: names.topic('dlqMarks'), key: e.id, value: JSON.stringify({ action, at } satisfies Mark) }));
}

function sameThing(a: DeadLetterEntry, b: DeadLetterEntry): boolean {
  return !!a.letter && !!b.letter && identity(a.letter, a.record) === identity(b.letter, b.record);
}
