import type { EventLog } from '../../engine/core/log.js';
import type { Names } from '../core/topics.js';
import { openNames } from './format.js';
import type { Env, FileConfig } from '../config/schema.js';
import { parseInterval } from '../config/load.js';
import type { FetchStore } from '../youtube/fetch-store.js';
import type { Target } from '../youtube/targets.js';
import type { FetchStage, PollResult } from '../stages/fetch.js';
import type { NotifyCounters } from '../stages/notify.js';
import { drain, type Processor } from '../../engine/stream/processor.js';
import { consumeLoop, runTogether } from '../../engine/stream/loops.js';
import { readTopic } from '../../engine/stream/read.js';
import type { Source } from '../../engine/stream/source.js';
import type { Sink } from '../sinks/sink.js';
import type { Logger } from './logger.js';
import { logOptions, openLog } from './open-log.js';
import { PollSource } from './poll-loop.js';
import { STAGE_NAMES, STAGES, type BuiltStage, type StageName, type StagePlugin } from './stages.js';

export type { StageName };

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
  private fetchStore?: FetchStore;
  private source?: Source;
  private readonly processors: Array<{ name: StageName; processor: Processor<unknown> }> = [];
  private counters?: NotifyCounters;

  private constructor(
    readonly log: EventLog,
    readonly names: Names,
    private readonly options: PipelineOptions,
    private readonly closeFormat: () => void = () => {},
  ) {}

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
      for (const name of stages) {
        const built: BuiltStage = await (STAGES[name] as StagePlugin).open({ env, config, log, names, logger, targets, sinks });
        if (built.kind === 'fetch') {
          p.fetch = built.fetch;
          p.fetchStore = built.store;
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
      const source: Source = new PollSource({ fetch, store, interval, dailyBudget: this.options.config.dailyBudget, logger });
      this.source = source;
      loops.push((halt, ab) => source.run(halt, ab));
    }
    await runTogether(stop, abort, loops);
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
    for (const { processor } of this.processors) await processor.close().catch(() => {});
    for (const s of this.options.sinks) await s.close?.().catch(() => {});
    this.fetchStore?.close();
    await this.log.close();
    this.closeFormat();
  }
}

