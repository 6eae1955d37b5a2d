/**
 * Every stage a pipeline process can run, registered with the part of the configuration it reads.
 * `Pipeline.open` builds the ones asked for, in this order; a new stage is one file under
 * `stages/` plus one entry here (its config slice joins the config schema beside it).
 */
import { join } from 'node:path';
import { YtwatchError, describeError } from '../../engine/core/errors.js';
import type { EventLog } from '../../engine/core/log.js';
import type { Processor } from '../../engine/stream/processor.js';
import type { Names } from '../core/topics.js';
import type { Env, FileConfig } from '../config/schema.js';
import type { Sink } from '../sinks/sink.js';
import { createDetect, type DetectCounters } from '../stages/detect.js';
import { FetchStage } from '../stages/fetch.js';
import { createNotify, type NotifyCounters, type NotifyOptions } from '../stages/notify.js';
import { YouTubeClient } from '../youtube/client.js';
import { FetchStore } from '../youtube/fetch-store.js';
import { FeedClient } from '../youtube/feeds.js';
import { MembershipStore } from '../youtube/membership-store.js';
import { parseInterval } from '../config/load.js';
import type { Target } from '../youtube/targets.js';
import type { SubscriptionBook } from '../subscriptions/book.js';
import type { Logger } from './logger.js';

export interface StageContext {
  env: Env;
  config: FileConfig;
  log: EventLog;
  names: Names;
  logger: Logger;
  targets: Target[];
  /** Every subscription, the operator's included; fetch polls the union of their targets. */
  subscriptions: SubscriptionBook;
  sinks: Sink[];
  /** Detect adds its snapshots, first-seen videos, changes and alerts here after each commit. */
  detected?: DetectCounters;
  /** Notify reports each batch's outcome per sink here (the status topic). */
  onSinkBatch?: NotifyOptions['onSinkBatch'];
}

/** A built stage: a processor (log → log or log → sinks), or the fetch stage with its quota ledger. */
export type BuiltStage =
  | { kind: 'processor'; processor: Processor<unknown>; counters?: NotifyCounters }
  | { kind: 'fetch'; fetch: FetchStage; store: FetchStore; members: MembershipStore };

export interface StagePlugin {
  /** Checks the configuration before the log is opened (one line naming the fix). */
  check?(ctx: Pick<StageContext, 'env' | 'targets'>): void;
  /** Builds the stage; processors are started (joined their group) before it returns. */
  open(ctx: StageContext): Promise<BuiltStage>;
}

export const STAGES = {
  /** `youtube.*`, `interval`, `dailyBudget`, `YOUTUBE_API_KEY`, `YOUTUBE_API_ROOT`, `YOUTUBE_FEEDS_ROOT`. */
  fetch: {
    check: ({ env }) => {
      if (!env.YOUTUBE_API_KEY) throw new YtwatchError('YOUTUBE_API_KEY is not set', { hint: 'create a YouTube Data API v3 key and put YOUTUBE_API_KEY=… in the environment or .env (or try `ytwatch demo`)' });
    },
    open: async ({ env, config, log, names, logger, subscriptions }) => {
      const store = new FetchStore(join(env.YTWATCH_DATA_DIR, 'fetch.db'));
      let members: MembershipStore;
      try {
        members = new MembershipStore(join(env.YTWATCH_DATA_DIR, 'fetch.db'));
      } catch (err) {
        store.close();
        throw err;
      }
      const warned = new Set<string>();
      const client = new YouTubeClient({
        apiKey: env.YOUTUBE_API_KEY!,
        apiRoot: env.YOUTUBE_API_ROOT,
        timeoutMs: config.youtube.timeoutMs,
        onUnits: (units) => store.addUnits(Date.now(), units),
      });
      const fetch = new FetchStage({
        log,
        names,
        client,
        store,
        targets: async () => {
          await subscriptions.refresh();
          return subscriptions.targets();
        },
        operatorTargets: () => subscriptions.operatorTargets(),
        attempts: config.youtube.attempts,
        baseDelayMs: config.youtube.baseDelayMs,
        onRetry: (err, attempt, delayMs) => logger.warn({ attempt, delayMs, err: describeError(err) }, 'youtube: retrying'),
        membership: {
          store: members,
          feeds: new FeedClient({ root: env.YOUTUBE_FEEDS_ROOT, timeoutMs: config.youtube.timeoutMs }),
          fullListingEveryMs: (parseInterval(config.youtube.fullListingEvery) as number) * 1000,
          onFeedError: (source, err) => {
            const first = !warned.has(source.key);
            warned.add(source.key);
            logger[first ? 'warn' : 'debug']({ target: source.key, err: describeError(err) }, 'feed unreadable; listing this target in full (costs quota)');
          },
        },
      });
      return { kind: 'fetch', fetch, store, members };
    },
  },
  /** `rules`. */
  detect: {
    open: async ({ config, log, names, detected, subscriptions }) => {
      const detect = createDetect({ log, names, rules: config.rules, counters: detected, subscriptions });
      await detect.start();
      return { kind: 'processor', processor: detect as Processor<unknown> };
    },
  },
  /** The sinks (`notify.*` and their environment variables). */
  notify: {
    open: async ({ log, names, logger, sinks, onSinkBatch }) => {
      const { processor, counters } = createNotify({
        log,
        names,
        sinks,
        onFailure: (alert, sink, reason) => logger.error({ alert: alert.id, video: alert.videoId, sink, reason }, 'alert dead-lettered'),
        onSinkBatch,
      });
      await processor.start();
      return { kind: 'processor', processor: processor as Processor<unknown>, counters };
    },
  },
} satisfies Record<string, StagePlugin>;

export type StageName = keyof typeof STAGES;
export const STAGE_NAMES = Object.keys(STAGES) as StageName[];
