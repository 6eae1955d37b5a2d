/**
 * Reading the dead letters with their state (waiting, replayed, purged, superseded): the marks in
 * `ytwatch_dlq_marks` and the offsets of the old replay group. `dlq list`, `ytwatch status` and
 * `GET /status` read them here; `runtime/dead-letters.ts` replays and purges.
 */
import { createHash } from 'node:crypto';
import type { EventLog, LogRecord } from '../../engine/core/log.js';
import { originalValue, type DeadLetter } from '../../engine/core/records.js';
import { readTopic } from '../../engine/stream/read.js';
import type { Alert, DlqMark } from './events.js';
import type { Names } from './topics.js';

/**
 * The group `dlq replay` used before replays were marked one by one: its offsets still count as
 * replayed, and on the embedded log its member lock keeps two replays or purges from running at once.
 */
export const LEGACY_REPLAY_GROUP = 'ytwatch-dlq-replay';

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
  const marks = new Map<string, DlqMark>();
  for (const m of markRecords) {
    const mark = m.value === null ? undefined : names.of('dlqMarks').parse(m.value);
    if (m.key !== null && mark?.ok) marks.set(m.key, mark.value);
  }
  const entries = records
    .sort((a, b) => a.timestamp - b.timestamp || a.offset - b.offset)
    .map((record) => {
      const parsed = names.of('deadLetters').parse(record.value);
      const letter = parsed.ok ? parsed.value : undefined;
      const alert = letter?.topic === names.topic('outbox') && letter.value !== null ? names.of('outbox').parse(originalValue(letter)) : undefined;
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

/** Whether two entries are the same thing failing again. */
export function sameThing(a: DeadLetterEntry, b: DeadLetterEntry): boolean {
  return !!a.letter && !!b.letter && identity(a.letter, a.record) === identity(b.letter, b.record);
}
