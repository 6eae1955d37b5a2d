import { join } from 'node:path';
import type { EventLog } from '../core/log.js';
import { YtwatchError, describeError } from '../core/errors.js';
import { names as makeNames, type Names } from '../core/topics.js';
import { nextPacificMidnight, sleep } from '../core/time.js';
import type { Env, FileConfig } from '../config/schema.js';
import { parseInterval } from '../config/load.js';
import { YouTubeClient } from '../youtube/client.js';
import { YouTubeApiError } from '../youtube/errors.js';
import { FetchStore } from '../youtube/fetch-store.js';
import type { Target } from '../youtube/targets.js';
import { autoInterval, FetchStage, type PollResult } from '../stages/fetch.js';
import { createDetect } from '../stages/detect.js';
import { createNotify, type NotifyCounters } from '../stages/notify.js';
import { drain, type Processor } from '../stream/processor.js';

export { drain };
import type { Sink } from '../sinks/sink.js';
import type { Logger } from './logger.js';
import { logOptions, openLog } from './open-log.js';

export type StageName = 'fetch' | 'detect' | 'notify';

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
}

export interface OnceResult {
  poll?: PollResult;
  delivered: number;
  failed: number;
  deadLetters: number;
}

/** The whole pipeline (or the stages this worker runs) on one log. */
export class Pipeline {
  private fetch?: FetchStage;
  private readonly processors: Array<{ name: StageName; processor: Processor<unknown> }> = [];
  private counters?: NotifyCounters;

  private constructor(
    readonly log: EventLog,
    readonly names: Names,
    private readonly options: PipelineOptions,
    private readonly fetchStore?: FetchStore,
  ) {}

  static async open(options: PipelineOptions): Promise<Pipeline> {
    const { env, config, logger } = options;
    const stages = options.stages ?? ['fetch', 'detect', 'notify'];
    if (stages.includes('fetch')) {
      if (!env.YOUTUBE_API_KEY) throw new YtwatchError('YOUTUBE_API_KEY is not set', { hint: 'create a YouTube Data API v3 key and put YOUTUBE_API_KEY=… in the environment or .env (or try `ytwatch demo`)' });
      if (options.targets.length === 0) throw new YtwatchError('nothing to watch', { hint: 'pass --playlist, --channel or --video, or list them under "watch" in the config file' });
    }
    const names = makeNames(env.YTWATCH_TOPIC_PREFIX);
    const log = await openLog(logOptions(env, config, names));
    const store = stages.includes('fetch') ? new FetchStore(join(env.YTWATCH_DATA_DIR, 'fetch.db')) : undefined;
    const p = new Pipeline(log, names, options, store);
    if (store) {
      const client = new YouTubeClient({
        apiKey: env.YOUTUBE_API_KEY!,
        apiRoot: env.YOUTUBE_API_ROOT,
        timeoutMs: config.youtube.timeoutMs,
        onUnits: (units) => store.addUnits(Date.now(), units),
      });
      p.fetch = new FetchStage({
        log,
        names,
        client,
        store,
        targets: options.targets,
        attempts: config.youtube.attempts,
        baseDelayMs: config.youtube.baseDelayMs,
        onRetry: (err, attempt, delayMs) => logger.warn({ attempt, delayMs, err: describeError(err) }, 'youtube: retrying'),
      });
    }
    if (stages.includes('detect')) {
      const detect = createDetect({ log, names, rules: config.rules });
      await detect.start();
      p.processors.push({ name: 'detect', processor: detect as Processor<unknown> });
    }
    if (stages.includes('notify')) {
      const { processor, counters } = createNotify({
        log,
        names,
        sinks: options.sinks,
        onFailure: (alert, sink, reason) => logger.error({ alert: alert.id, video: alert.videoId, sink, reason }, 'alert dead-lettered'),
      });
      await processor.start();
      p.counters = counters;
      p.processors.push({ name: 'notify', processor: processor as Processor<unknown> });
    }
    return p;
  }

  /** One poll, then every stage until it has caught up with the log's end; no background work left. */
  async once(signal: AbortSignal): Promise<OnceResult> {
    const dlqBefore = await this.deadLetterCount();
    const poll = this.fetch ? await this.fetch.poll(signal) : undefined;
    if (poll) this.options.logger.info(poll, 'poll done');
    for (const { processor } of this.processors) await drain(processor, signal);
    return {
      poll,
      delivered: this.counters?.delivered ?? 0,
      failed: this.counters?.failed ?? 0,
      deadLetters: (await this.deadLetterCount()) - dlqBefore,
    };
  }

  /**
   * Polls every interval and keeps every stage consuming until `stop` is aborted; then finishes the
   * batch in flight and returns. `abort` cancels in-flight work (second signal, shutdown deadline).
   * A fatal error (bad key, unknown target) rejects.
   */
  async run(stop: AbortSignal, abort: AbortSignal): Promise<void> {
    const fatal = new AbortController();
    const halt = AbortSignal.any([stop, fatal.signal]);
    const loops = this.processors.map(({ name, processor }) => this.consume(name, processor, halt, abort));
    if (this.fetch) loops.push(this.pollLoop(halt, abort));
    const results = await Promise.allSettled(
      loops.map((l) =>
        l.catch((err: unknown) => {
          fatal.abort(err);
          throw err;
        }),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async consume(name: StageName, processor: Processor<unknown>, stop: AbortSignal, abort: AbortSignal): Promise<void> {
    let failures = 0;
    while (!stop.aborted) {
      try {
        await processor.step(abort, 500);
        failures = 0;
      } catch (err) {
        if (abort.aborted) return;
        failures++;
        this.options.logger.error({ stage: name, err: describeError(err) }, 'batch failed; retrying from the last commit');
        await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)), stop).catch(() => {});
      }
    }
  }

  private async pollLoop(stop: AbortSignal, abort: AbortSignal): Promise<void> {
    const { logger, config } = this.options;
    const setting = parseInterval(this.options.interval ?? config.interval);
    let quotaNoticeGiven = false;
    while (!stop.aborted) {
      let waitSec: number;
      try {
        const poll = await this.fetch!.poll(abort);
        quotaNoticeGiven = false;
        waitSec = setting === 'auto' ? autoInterval(Math.max(1, poll.units), config.dailyBudget) : setting;
        logger.info({ ...poll, nextPollInSec: waitSec }, 'poll done');
      } catch (err) {
        if (abort.aborted || stop.aborted) return;
        if (err instanceof YouTubeApiError && err.quotaExceeded) {
          const resetAt = nextPacificMidnight(Date.now()) + Math.floor(Math.random() * 300_000);
          if (!quotaNoticeGiven) logger.warn({ resumeAt: new Date(resetAt).toISOString() }, 'YouTube quota exceeded: polling paused until the daily reset (midnight Pacific Time)');
          quotaNoticeGiven = true;
          waitSec = (resetAt - Date.now()) / 1000;
        } else if (err instanceof YtwatchError && err.retriable) {
          waitSec = setting === 'auto' ? 60 : setting;
          logger.error({ err: describeError(err), nextPollInSec: waitSec }, 'poll failed; trying again at the next interval');
        } else {
          throw err;
        }
      }
      await sleep(waitSec * 1000, stop).catch(() => {});
    }
  }

  private async deadLetterCount(): Promise<number> {
    const ends = await this.log.endOffsets(this.names.topic('deadLetters'));
    return [...ends.values()].reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    for (const { processor } of this.processors) await processor.close().catch(() => {});
    for (const s of this.options.sinks) await s.close?.().catch(() => {});
    this.fetchStore?.close();
    await this.log.close();
  }
}

