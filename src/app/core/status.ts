import { z } from 'zod';
import type { EventLog } from '../../engine/core/log.js';
import { nextPacificMidnight, pacificDay } from '../../engine/core/time.js';
import { readTopic } from '../../engine/stream/read.js';
import { listDeadLetters } from './dead-letters.js';
import type { PollStatus, SinkStatus } from './events.js';
import type { Names, TopicName } from './topics.js';

/**
 * The operational status of a deployment, kept in the compacted topic `ytwatch_status` (one record
 * per key: `poll`, `sink/<name>`). The log is what every ytwatch process of a deployment already
 * shares — the data folder's SQLite log beside a running `run`, or the Kafka cluster for workers on
 * other machines — so `ytwatch status`, `GET /status` and `/health` read the same record wherever
 * they run, and compaction keeps it small.
 */

export type { PollStatus, SinkStatus };

/** The history stage's consumer groups (see `historyGroups`). */
export interface HistoryGroups {
  videos: string;
  changes: string;
  alerts: string;
  deliveries: string;
}

export async function readStatusRecords(log: EventLog, names: Names): Promise<{ poll?: PollStatus; sinks: SinkStatus[] }> {
  const latest = new Map<string, Buffer>();
  for (const r of await readTopic(log, names.topic('status'))) if (r.key !== null && r.value !== null) latest.set(r.key, r.value);
  const read = (v: Buffer | undefined): PollStatus | SinkStatus | undefined => {
    const parsed = v === undefined ? undefined : names.of('status').parse(v);
    return parsed?.ok ? parsed.value : undefined;
  };
  const poll = read(latest.get('poll'));
  const sinks = [...latest].filter(([k]) => k.startsWith('sink/')).flatMap(([, v]) => {
    const r = read(v);
    return r && 'sink' in r ? [r] : [];
  });
  return { poll: poll && !('sink' in poll) ? poll : undefined, sinks };
}

/** The consumer groups of a deployment and the topic each reads, for lag. */
export function stageGroups(names: Names, history: HistoryGroups): Array<{ stage: string; group: string; topic: TopicName }> {
  return [
    { stage: 'detect', group: names.group('detect'), topic: 'videos' },
    { stage: 'notify', group: names.group('notify'), topic: 'outbox' },
    { stage: 'history', group: history.videos, topic: 'videos' },
    { stage: 'history-changes', group: history.changes, topic: 'changes' },
    { stage: 'history-alerts', group: history.alerts, topic: 'outbox' },
    { stage: 'history-deliveries', group: history.deliveries, topic: 'deliveries' },
  ];
}

/** Records of `topic` the group has not committed (on Kafka, transaction markers add up to one per partition). */
export async function groupLag(log: EventLog, group: string, topic: string): Promise<number> {
  const [ends, committed] = await Promise.all([log.endOffsets(topic), log.committedOffsets(group, topic)]);
  let lag = 0;
  for (const [p, end] of ends) lag += Math.max(0, end - (committed.get(p) ?? 0));
  return lag;
}

export const Health = z.object({ status: z.enum(['ok', 'degraded']), reasons: z.array(z.string()) });
export type Health = z.infer<typeof Health>;

const isoOrNull = z.string().nullable();
/** What `ytwatch status --json` prints and `GET /status` answers. */
export const StatusView = z.object({
  health: Health,
  poll: z.object({ lastAt: isoOrNull, lastSuccessAt: isoOrNull, ok: z.boolean().nullable(), error: z.string().nullable(), videos: z.number().int().nullable(), nextAt: isoOrNull }),
  quota: z.object({ unitsToday: z.number(), dailyBudget: z.number().nullable(), resetsAt: z.string() }),
  sinks: z.array(z.object({ sink: z.string(), lastSuccessAt: isoOrNull, lastFailureAt: isoOrNull, lastFailure: z.string().nullable() })),
  deadLetters: z.object({ waiting: z.number().int() }),
  lag: z.array(z.object({ stage: z.string(), group: z.string(), topic: z.string(), lag: z.number().int() })),
});
export type StatusView = z.infer<typeof StatusView>;

const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());

/**
 * Health from the recorded status: degraded when the last poll failed, when polls are overdue (by
 * a minute past the announced next poll), or when a sink's last failure is newer than its last success.
 */
export function healthOf(poll: PollStatus | undefined, sinks: SinkStatus[], now: number): Health {
  const reasons: string[] = [];
  if (poll && !poll.ok) reasons.push(`polling is failing since ${new Date(poll.lastSuccessAt ?? poll.at).toISOString()}: ${poll.error ?? 'unknown error'}`);
  else if (poll?.nextAt !== undefined && now > poll.nextAt + 60_000) reasons.push(`no poll since ${new Date(poll.at).toISOString()} (the next was due ${new Date(poll.nextAt).toISOString()}): is \`ytwatch run\` running?`);
  for (const s of sinks) {
    if (s.lastFailureAt !== undefined && s.lastFailureAt > (s.lastSuccessAt ?? 0)) reasons.push(`delivery to ${s.sink} is failing: ${s.lastFailure ?? "unknown error"}`);
  }
  return { status: reasons.length > 0 ? 'degraded' : 'ok', reasons };
}

/** The whole status view (`ytwatch status`, `GET /status`). `history` names the history groups. */
export async function readStatus(log: EventLog, names: Names, history: HistoryGroups, now = Date.now()): Promise<StatusView> {
  const [{ poll, sinks }, letters, lag] = await Promise.all([
    readStatusRecords(log, names),
    listDeadLetters(log, names),
    Promise.all(stageGroups(names, history).map(async (g) => ({ stage: g.stage, group: g.group, topic: names.topic(g.topic), lag: await groupLag(log, g.group, names.topic(g.topic)) }))),
  ]);
  return {
    health: healthOf(poll, sinks, now),
    poll: {
      lastAt: iso(poll?.at),
      lastSuccessAt: iso(poll?.lastSuccessAt),
      ok: poll?.ok ?? null,
      error: poll?.error ?? null,
      videos: poll?.videos ?? null,
      nextAt: iso(poll?.nextAt),
    },
    quota: {
      unitsToday: poll && poll.day === pacificDay(now) ? poll.unitsToday : 0,
      dailyBudget: poll?.dailyBudget ?? null,
      resetsAt: new Date(nextPacificMidnight(now)).toISOString(),
    },
    sinks: sinks.map((s) => ({ sink: s.sink, lastSuccessAt: iso(s.lastSuccessAt), lastFailureAt: iso(s.lastFailureAt), lastFailure: s.lastFailure ?? null })),
    deadLetters: { waiting: letters.filter((l) => l.state === 'waiting').length },
    lag,
  };
}

/** Quota units spent today (Pacific) as the poller last recorded them. */
export async function readQuotaToday(log: EventLog, names: Names, now = Date.now()): Promise<number> {
  const { poll } = await readStatusRecords(log, names);
  return poll && poll.day === pacificDay(now) ? poll.unitsToday : 0;
}

/** Just the health (for `/health`), without reading the dead letters and lags. */
export async function readHealth(log: EventLog, names: Names, now = Date.now()): Promise<Health> {
  const { poll, sinks } = await readStatusRecords(log, names);
  return healthOf(poll, sinks, now);
}
