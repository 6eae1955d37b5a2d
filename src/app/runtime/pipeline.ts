import type { EventLog } from '../../engine/core/log.js';
import type { Names } from '../core/topics.js';
import { openNames } from './format.js';
import type { Env, FileConfig } from '../config/schema.js';
import { parseInterval } from '../config/load.js';
import type { FetchStore } from '../youtube/fetch-store.js';
import type { MembershipStore } from '../youtube/membership-store.js';
import type { Target } from '../youtube/targets.js';
import type { FetchStage, PollResult } from '../stages/fetch.js';
import { detectCounters, type DetectCounters } from '../stages/detect.js';
import type { NotifyCounters } from '../stages/notify.js';
import { sleep } from '../../engine/core/time.js';
import { describeError } from '../../engine/core/errors.js';
import { drain, type Processor } from '../../engine/stream/processor.js';
import { consumeLoop, runTogether } from '../../engine/stream/loops.js';
import { readTopic } from '../../engine/stream/read.js';
import type { Source } from '../../engine/stream/source.js';
import type { Sink } from '../sinks/sink.js';
import type { Logger } from './logger.js';
import { logOptions, openLog } from './open-log.js';
import { PollSource } from './poll-loop.js';
import { SubscriptionBook, operatorRecipient, operatorSubscriptions } from '../subscriptions/book.js';
import type { Progress, PollReport, RunSummary } from './progress.js';
import { StatusWriter } from './status.js';
import { STAGE_NAMES, STAGES, type BuiltStage, type StageName, type StagePlugin } from './stages.js';

export type { StageName };

/** How long the per-poll line stops waiting for the stages after the log could not say where they are. */
const SETTLE_BACKOFF_MS = 60_000;

export interface PipelineOptions {
  env: Env;
  config: FileConfig;
  targets: Target[];
  sinks: Sink[];
  logger: Logger;
  /** Which stages this process runs. Default all three. */
  stages?: StageName[];
  /** Overrides `config.interval`. */
  interval?: string | number;
  /** Where the per-poll line and the `--once` summary go; none when absent. */
  progress?: Progress;
}

export interface OnceResult {
  poll?: PollResult;
  delivered: number;
  failed: number;
  deadLetters: number;
  summary: RunSummary;
}

/** The whole pipeline (or the stages this worker runs) on one log. */
export class Pipeline {
  private fetch?: FetchStage;
  private fetchStore?: FetchStore;
  private membershipStore?: MembershipStore;
  private source?: Source;
  private readonly processors: Array<{ name: StageName; processor: Processor<unknown> }> = [];
  private counters?: NotifyCounters;
  private lastPoll?: PollResult;
  private readonly detected: DetectCounters = detectCounters();
  private readonly status: StatusWriter;
  private readonly book: SubscriptionBook;

  private constructor(
    readonly log: EventLog,
    readonly names: Names,
    private readonly options: PipelineOptions,
    private readonly closeFormat: () => void = () => {},
  ) {
    this.status = new StatusWriter(log, names, options.logger);
    const operator = operatorSubscriptions(options.targets, operatorRecipient(options.env));
    const quota = { interval: parseInterval(options.interval ?? options.config.interval), dailyBudget: options.config.dailyBudget };
    this.book = new SubscriptionBook(log, names, { operator, maxPerChat: options.config.subscriptions.maxPerChat, quota });
  }

  /** Every subscription (the operator's from flags and config, and the stored ones). */
  subscriptions(): SubscriptionBook {
    return this.book;
  }

  /** Opens the log and builds the stages asked for (default all), from the registry in `stages.ts`. */
  static async open(options: PipelineOptions): Promise<Pipeline> {
    const { env, config, logger, targets, sinks } = options;
    const wanted = options.stages ?? STAGE_NAMES;
    const stages = STAGE_NAMES.filter((n) => wanted.includes(n));
    for (const name of stages) (STAGES[name] as StagePlugin).check?.({ env, targets });
    const format = await openNames(env);
    const { names } = format;
    const log = await openLog(logOptions(env, config, names, logger)).catch((err: unknown) => {
      format.close();
      throw err;
    });
    const p = new Pipeline(log, names, options, format.close);
    try {
      await p.status.load();
      await p.book.refresh();
      const hooks = { detected: p.detected, onSinkBatch: (sink: string, delivered: number, failure: string | undefined) => p.status.sink(sink, { delivered, failure }) };
      // The fetch stage (and its data-folder lock) last: a second `run` is refused naming its consumer group.
      for (const name of [...stages.filter((n) => n !== 'fetch'), ...stages.filter((n) => n === 'fetch')]) {
        const built: BuiltStage = await (STAGES[name] as StagePlugin).open({ env, config, log, names, logger, targets, subscriptions: p.book, sinks, ...hooks });
        if (built.kind === 'fetch') {
          p.fetch = built.fetch;
          p.fetchStore = built.store;
          p.membershipStore = built.members;
        } else {
          p.processors.push({ name, processor: built.processor });
          if (built.counters) p.counters = built.counters;
        }
      }
    } catch (err) {
      await p.close();
      throw err;
    }
    return p;
  }

  /** One poll, then every stage until it has caught up with the log's end; no background work left. */
  async once(signal: AbortSignal): Promise<OnceResult> {
    const dlq = this.names.topic('deadLetters');
    const dlqBefore = await this.log.endOffsets(dlq);
    let poll: PollResult | undefined;
    const since = this.tally();
    try {
      poll = this.fetch ? await this.fetch.poll(signal) : undefined;
    } catch (err) {
      await this.recordPoll({ at: Date.now(), ok: false, error: describeError(err) });
      throw err;
    }
    if (poll) await this.recordPoll({ at: Date.now(), ok: true, videos: poll.videos });
    this.lastPoll = poll ?? this.lastPoll;
    for (const { processor } of this.processors) await drain(processor, signal);
    if (poll) this.options.progress?.poll(this.report(poll, Date.now(), since, undefined, false));
    const summary: RunSummary = {
      polls: poll ? 1 : 0,
      videos: poll?.videos ?? 0,
      changes: this.detected.changes,
      firstSeen: this.detected.firstSeen,
      sent: this.counters?.delivered ?? 0,
      failed: this.counters?.failed ?? 0,
      unitsToday: this.quotaUnitsToday() ?? 0,
      dailyBudget: this.options.config.dailyBudget,
    };
    this.options.progress?.summary(summary);
    await this.status.flush();
    return {
      poll,
      delivered: summary.sent,
      failed: summary.failed,
      deadLetters: (await readTopic(this.log, dlq, dlqBefore)).length,
      summary,
    };
  }

  private recordPoll(p: { at: number; ok: boolean; error?: string; videos?: number; nextAt?: number }): Promise<void> {
    return this.status.poll({ ...p, unitsToday: this.quotaUnitsToday() ?? 0, dailyBudget: this.options.config.dailyBudget });
  }

  /** This process's detect and notify totals so far. */
  private tally(): { changes: number; firstSeen: number; sent: number; failed: number } {
    return { changes: this.detected.changes, firstSeen: this.detected.firstSeen, sent: this.counters?.delivered ?? 0, failed: this.counters?.failed ?? 0 };
  }

  private report(poll: PollResult, at: number, since: ReturnType<Pipeline['tally']>, nextAt: number | undefined, pending: boolean): PollReport {
    const now = this.tally();
    const has = (stage: StageName) => this.processors.some((p) => p.name === stage);
    return {
      at,
      videos: poll.videos,
      units: poll.units,
      membershipUnits: poll.membershipUnits,
      statisticsUnits: poll.statisticsUnits,
      unitsToday: this.quotaUnitsToday() ?? 0,
      dailyBudget: this.options.config.dailyBudget,
      nextAt,
      ...(has('detect') ? { changes: now.changes - since.changes, firstSeen: now.firstSeen - since.firstSeen } : {}),
      ...(has('notify') ? { sent: now.sent - since.sent, failed: now.failed - since.failed } : {}),
      pending,
    };
  }

  /**
   * Waits until this process's detect and then notify have committed everything appended so far
   * (so the poll's line counts its changes and alerts), or `deadline`. False when it gave up.
   */
  private async settle(deadline: number, stop: AbortSignal): Promise<boolean> {
    for (const { name } of this.processors) {
      const topic = this.names.topic(name === 'detect' ? 'videos' : 'outbox');
      const group = this.names.group(name === 'detect' ? 'detect' : 'notify');
      for (;;) {
        const [ends, committed] = await Promise.all([this.log.endOffsets(topic), this.log.committedOffsets(group, topic)]);
        if ([...ends].every(([p, end]) => (committed.get(p) ?? 0) >= end)) break;
        if (Date.now() >= deadline || stop.aborted) return false;
        await sleep(Math.min(200, deadline - Date.now()), stop).catch(() => {});
      }
    }
    return true;
  }

  /**
   * Polls every interval and keeps every stage consuming until `stop` is aborted; then finishes the
   * batch in flight and returns. `abort` cancels in-flight work (second signal, shutdown deadline).
   * A fatal error (bad key, unknown target) rejects. `sources` run beside the poller (the WebSub
   * {@link PushSource}, which needs the API server to receive its notifications).
   */
  async run(stop: AbortSignal, abort: AbortSignal, sources: Source[] = []): Promise<void> {
    const { logger } = this.options;
    const loops = this.processors.map(({ name, processor }) => (halt: AbortSignal, ab: AbortSignal) => consumeLoop(name, processor, halt, ab, logger));
    const { fetch, fetchStore: store } = this;
    if (fetch && store) {
      const interval = parseInterval(this.options.interval ?? this.options.config.interval);
      let since = this.tally();
      // After a failed wait (the log unreachable), the next polls report without waiting for a while:
      // the per-poll line is best effort and must not keep querying a log that is away.
      let waitAgainAt = 0;
      const afterPoll = async (poll: PollResult, nextAt: number) => {
        const at = Date.now();
        await this.recordPoll({ at, ok: true, videos: poll.videos, nextAt });
        let settled = false;
        if (Date.now() >= waitAgainAt) {
          settled = await this.settle(nextAt - 500, stop).catch((err: unknown) => {
            waitAgainAt = Date.now() + SETTLE_BACKOFF_MS;
            throw err;
          });
        }
        this.options.progress?.poll(this.report(poll, at, since, nextAt, !settled));
        since = this.tally();
      };
      const onPollFailed = (error: string, nextAt: number) => this.recordPoll({ at: Date.now(), ok: false, error, nextAt });
      const source: Source = new PollSource({ fetch, store, interval, dailyBudget: this.options.config.dailyBudget, logger, afterPoll, onPollFailed, onPoll: (poll) => (this.lastPoll = poll) });
      this.source = source;
      loops.push((halt, ab) => source.run(halt, ab));
    }
    for (const source of sources) loops.push((halt, ab) => source.run(halt, ab));
    await runTogether(stop, abort, loops);
  }

  /** This process's fetch stage, if it runs one (the push source feeds through it). */
  fetchStage(): FetchStage | undefined {
    return this.fetch;
  }

  /** Units the latest poll spent on membership and on statistics. */
  lastPollUnits(): { membership: number; statistics: number } | undefined {
    return this.lastPoll && { membership: this.lastPoll.membershipUnits, statistics: this.lastPoll.statisticsUnits };
  }

  /** Polls now instead of at the end of the current wait (when this process runs the fetch stage). */
  wake(): void {
    this.source?.wake();
  }

  /** Quota units spent today (Pacific) by this process's fetch stage, if it runs one. */
  quotaUnitsToday(): number | undefined {
    return this.fetchStore?.unitsOn(Date.now());
  }

  /** Alerts this process's notify stage delivered and dead-lettered so far. */
  deliveryCounts(): { delivered: number; failed: number } {
    return { delivered: this.counters?.delivered ?? 0, failed: this.counters?.failed ?? 0 };
  }

  async close(): Promise<void> {
    await this.status.flush();
    for (const { processor } of this.processors) await processor.close().catch(() => {});
    for (const s of this.options.sinks) await s.close?.().catch(() => {});
    this.fetchStore?.close();
    this.membershipStore?.close();
    await this.log.close();
    this.closeFormat();
  }
}

