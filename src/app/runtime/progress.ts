import type { Logger, LogFormat } from './logger.js';

/** What one poll did, once detect and notify of this process had caught up (or the next poll came). */
export interface PollReport {
  at: number;
  videos: number;
  units: number;
  /** `units` split: membership (listings, size checks) and statistics (`videos.list`). */
  membershipUnits?: number;
  statisticsUnits?: number;
  unitsToday: number;
  dailyBudget: number;
  /** When the next poll starts (absent under `--once`). */
  nextAt?: number;
  /** Absent when this process does not run detect / notify. */
  changes?: number;
  /** Videos seen for the first time: their values are the baseline, they alert nothing yet. */
  firstSeen?: number;
  sent?: number;
  failed?: number;
  /** Detect or notify had not caught up when the report was due. */
  pending?: boolean;
}

/** Totals of a `--once` run. */
export interface RunSummary {
  polls: number;
  videos: number;
  changes: number;
  firstSeen: number;
  sent: number;
  failed: number;
  unitsToday: number;
  dailyBudget: number;
}

const n = (v: number) => v.toLocaleString('en-US');
const clock = (at: number) => new Date(at).toLocaleTimeString('en-GB', { hour12: false });
const plural = (v: number, one: string, many = `${one}s`) => `${n(v)} ${v === 1 ? one : many}`;

/** The person-readable line of one poll: time, videos, changes, alerts, quota, next poll (local time). */
export function pollLine(r: PollReport): string {
  const parts = [`${clock(r.at)} poll: ${plural(r.videos, 'video')}`];
  if (r.firstSeen && r.firstSeen > 0) parts.push(`baseline recorded for ${plural(r.firstSeen, 'new video')} (alerts start with their next change)`);
  if (r.changes !== undefined) parts.push(plural(r.changes, 'change'));
  if (r.sent !== undefined) parts.push(`${plural(r.sent, 'alert')} sent, ${n(r.failed ?? 0)} failed${r.pending ? ' (more still in flight)' : ''}`);
  parts.push(`${n(r.unitsToday)}/${n(r.dailyBudget)} units today`);
  if (r.nextAt !== undefined) parts.push(`next poll ${clock(r.nextAt)}`);
  return parts.join(' · ');
}

/** The closing line of `run --once`. */
export function summaryLine(s: RunSummary): string {
  const base = s.firstSeen > 0 ? `; baseline recorded for ${plural(s.firstSeen, 'new video')}` : '';
  return `done: ${plural(s.polls, 'poll')}, ${plural(s.videos, 'video')}, ${plural(s.changes, 'change')}, ${plural(s.sent, 'alert')} sent, ${n(s.failed)} failed${base}; ${n(s.unitsToday)}/${n(s.dailyBudget)} units today`;
}

/**
 * Reports progress in the chosen format: `pretty` writes one line per poll (and a summary) to
 * stderr; `json` logs the same facts as `poll done` / `run summary` records with ISO times.
 */
export class Progress {
  constructor(
    private readonly format: LogFormat,
    private readonly logger: Logger,
    private readonly out: NodeJS.WritableStream = process.stderr,
  ) {}

  poll(r: PollReport): void {
    if (!this.logger.isLevelEnabled('info')) return;
    if (this.format === 'pretty') {
      this.out.write(`${pollLine(r)}\n`);
      return;
    }
    const { at, nextAt, ...rest } = r;
    this.logger.info(
      { ...rest, polledAt: new Date(at).toISOString(), ...(nextAt !== undefined ? { nextPollAt: new Date(nextAt).toISOString(), nextPollInSec: Math.round((nextAt - at) / 1000) } : {}) },
      'poll done',
    );
  }

  summary(s: RunSummary): void {
    if (!this.logger.isLevelEnabled('info')) return;
    if (this.format === 'pretty') this.out.write(`${summaryLine(s)}\n`);
    else this.logger.info(s, 'run summary');
  }
}
