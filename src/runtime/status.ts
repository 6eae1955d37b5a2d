import type { EventLog } from '../core/log.js';
import { describeError } from '../core/errors.js';
import { nextPacificMidnight, pacificDay } from '../core/time.js';
import type { Names, TopicName } from '../core/topics.js';
import { readTopic } from '../stream/read.js';
import { listDeadLetters } from './dead-letters.js';
import type { Logger } from './logger.js';

/**
 * The operational status of a deployment, kept in the compacted topic `ytwatch_status` (one record
 * per key: `poll`, `sink/<name>`). The log is what every ytwatch process of a deployment already
 * shares — the data folder's SQLite log beside a running `run`, or the Kafka cluster for workers on
 * other machines — so `ytwatch status`, `GET /status` and `/health` read the same record wherever
 * they run, and compaction keeps it small.
 */

/** The history stage's consumer groups (see `historyGroups`). */
export interface HistoryGroups {
  videos: string;
  changes: string;
  alerts: string;
  deliveries: string;
}

export interface PollStatus {
  /** When the last poll ended (successfully or not). */
  at: number;
  ok: boolean;
  error?: string;
  lastSuccessAt?: number;
  videos?: number;
  /** Quota units spent on the Pacific day `day`, after that poll. */
  unitsToday: number;
  day: string;
  dailyBudget: number;
  nextAt?: number;
}

export interface SinkStatus {
  sink: string;
  lastSuccessAt?: number;
  lastFailureAt?: number;
  lastFailure?: string;
}

/** Records the poller's and the sinks' outcomes. Writes never throw: a failed write is logged. */
export class StatusWriter {
  private sinks = new Map<string, SinkStatus>();
  private lastSuccessAt?: number;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: EventLog,
    private readonly names: Names,
    private readonly logger: Logger,
  ) {}

  /** Starts from what the deployment recorded before (last successes survive restarts). */
  async load(): Promise<void> {
    const s = await readRecords(this.log, this.names);
    this.lastSuccessAt = s.poll?.lastSuccessAt;
    for (const sink of s.sinks) this.sinks.set(sink.sink, sink);
  }

  poll(p: Omit<PollStatus, 'lastSuccessAt' | 'day'>): Promise<void> {
    if (p.ok) this.lastSuccessAt = p.at;
    return this.write('poll', { ...p, day: pacificDay(p.at), lastSuccessAt: this.lastSuccessAt } satisfies PollStatus);
  }

  /** One batch's outcome for a sink: `failure` is the last reason when anything failed. */
  sink(sink: string, outcome: { delivered: number; failure?: string }, at = Date.now()): void {
    const cur: SinkStatus = { ...(this.sinks.get(sink) ?? { sink }) };
    if (outcome.delivered > 0) cur.lastSuccessAt = at;
    if (outcome.failure !== undefined) {
      cur.lastFailureAt = at;
      cur.lastFailure = outcome.failure;
    }
    this.sinks.set(sink, cur);
    void this.write(`sink/${sink}`, cur);
  }

  /** Waits for the writes in flight. */
  flush(): Promise<void> {
    return this.chain;
  }

  private write(key: string, value: unknown): Promise<void> {
    this.chain = this.chain.then(() =>
      this.log.produce([{ topic: this.names.topic('status'), key, value: JSON.stringify(value) }]).catch((err: unknown) => {
        this.logger.warn({ err: describeError(err) }, 'status: could not record');
      }),
    );
    return this.chain;
  }
}

async function readRecords(log: EventLog, names: Names): Promise<{ poll?: PollStatus; sinks: SinkStatus[] }> {
  const latest = new Map<string, string>();
  for (const r of await readTopic(log, names.topic('status'))) if (r.key !== null && r.value !== null) latest.set(r.key, r.value);
  const poll = latest.get('poll');
  const sinks = [...latest].filter(([k]) => k.startsWith('sink/')).map(([, v]) => JSON.parse(v) as SinkStatus);
  return { poll: poll ? (JSON.parse(poll) as PollStatus) : undefined, sinks };
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

export interface Health {
  status: 'ok' | 'degraded';
  reasons: string[];
}

export interface StatusView {
  health: Health;
  poll: { lastAt: string | null; lastSuccessAt: string | null; ok: boolean | null; error: string | null; videos: number | null; nextAt: string | null };
  quota: { unitsToday: number; dailyBudget: number | null; resetsAt: string };
  sinks: Array<{ sink: string; lastSuccessAt: string | null; lastFailureAt: string | null; lastFailure: string | null }>;
  deadLetters: { waiting: number };
  lag: Array<{ stage: string; group: string; topic: string; lag: number }>;
}

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
    readRecords(log, names),
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
  const { poll } = await readRecords(log, names);
  return poll && poll.day === pacificDay(now) ? poll.unitsToday : 0;
}

/** Just the health (for `/health`), without reading the dead letters and lags. */
export async function readHealth(log: EventLog, names: Names, now = Date.now()): Promise<Health> {
  const { poll, sinks } = await readRecords(log, names);
  return healthOf(poll, sinks, now);
}
