import { join } from 'node:path';
import type { EventLog } from '../core/log.js';
import { YtwatchError, describeError } from '../core/errors.js';
import { names as makeNames, type Names } from '../core/topics.js';
import type { Env, FileConfig } from '../config/schema.js';
import { parseInterval } from '../config/load.js';
import { YouTubeClient } from '../youtube/client.js';
import { FetchStore } from '../youtube/fetch-store.js';
import type { Target } from '../youtube/targets.js';
import { FetchStage, type PollResult } from '../stages/fetch.js';
import { createDetect } from '../stages/detect.js';
import { createNotify, type NotifyCounters } from '../stages/notify.js';
import { drain, type Processor } from '../stream/processor.js';
import { consumeLoop, runTogether } from '../stream/loops.js';
import { readTopic } from '../stream/read.js';
import type { Sink } from '../sinks/sink.js';
import type { Logger } from './logger.js';
import { logOptions, openLog } from './open-log.js';
import { pollLoop } from './poll-loop.js';

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
  private fetchStore?: FetchStore;

  private constructor(
    readonly log: EventLog,
    readonly names: Names,
    private readonly options: PipelineOptions,
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
    const p = new Pipeline(log, names, options);
    try {
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
      // After the consumers: a second `run` on this folder is refused naming its consumer group.
      if (stages.includes('fetch')) {
        const store = new FetchStore(join(env.YTWATCH_DATA_DIR, 'fetch.db'));
        p.fetchStore = store;
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
    const poll = this.fetch ? await this.fetch.poll(signal) : undefined;
    if (poll) this.options.logger.info(poll, 'poll done');
    for (const { processor } of this.processors) await drain(processor, signal);
    return {
      poll,
      delivered: this.counters?.delivered ?? 0,
      failed: this.counters?.failed ?? 0,
      deadLetters: (await readTopic(this.log, dlq, dlqBefore)).length,
    };
  }

  /**
   * Polls every interval and keeps every stage consuming until `stop` is aborted; then finishes the
   * batch in flight and returns. `abort` cancels in-flight work (second signal, shutdown deadline).
   * A fatal error (bad key, unknown target) rejects.
   */
  async run(stop: AbortSignal, abort: AbortSignal): Promise<void> {
    const { logger } = this.options;
    const loops = this.processors.map(({ name, processor }) => (halt: AbortSignal, ab: AbortSignal) => consumeLoop(name, processor, halt, ab, logger));
    const { fetch, fetchStore: store } = this;
    if (fetch && store) {
      const interval = parseInterval(this.options.interval ?? this.options.config.interval);
      loops.push((halt, ab) => pollLoop({ fetch, store, interval, dailyBudget: this.options.config.dailyBudget, logger }, halt, ab));
    }
    await runTogether(stop, abort, loops);
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
    for (const { processor } of this.processors) await processor.close().catch(() => {});
    for (const s of this.options.sinks) await s.close?.().catch(() => {});
    this.fetchStore?.close();
    await this.log.close();
  }
}

