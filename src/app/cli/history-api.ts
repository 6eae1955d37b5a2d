import type { FastifyInstance } from 'fastify';
import { ConfigError } from '../../engine/core/errors.js';
import { FeedHub } from '../api/live.js';
import type { ProcessMetrics } from '../api/metrics.js';
import { MIN_TOKEN_LENGTH } from '../api/auth.js';
import { buildApi, isLoopback, listen } from '../api/server.js';
import { openHistory, type HistoryRuntimeOptions } from '../runtime/history.js';
import type { HistoryService } from '../stages/history.js';
import type { HistoryStore } from '../history/store.js';
import type { WebSubCallback } from '../youtube/websub.js';
import { SubscriptionBook } from '../subscriptions/book.js';
import type { QuotaSettings } from '../subscriptions/quota.js';

export interface HistoryApiOptions extends ProcessMetrics, Omit<HistoryRuntimeOptions, 'onFeed'> {
  host: string;
  port: number;
  /** Required unless `host` is a loopback address. */
  token?: string;
  /** The subscriptions `/subscriptions` manages (`run --port`: the pipeline's, with the operator's). */
  subscriptions?: SubscriptionBook;
  /** `subscriptions.maxPerChat`, for the book built when none is given. */
  maxPerChat?: number;
  /** The poller's interval and budget, for the book built when none is given (a subscription that would overrun is refused). */
  quota?: QuotaSettings;
  /** Serves the WebSub callback route (see `routes-websub.ts`). */
  websub?: WebSubCallback;
}

/**
 * The history stage and the HTTP API in one process (what `ytwatch serve` and `ytwatch run --port`
 * run): the stage fills the store and feeds `/events`; the API only reads the store.
 */
export class HistoryApi {
  private constructor(
    readonly url: string,
    readonly app: FastifyInstance,
    readonly history: HistoryService,
    readonly store: HistoryStore,
    private readonly closeHistory: () => Promise<void>,
  ) {}

  /** Opens the store (applying migrations), starts listening, then joins the history groups. */
  static async start(options: HistoryApiOptions): Promise<HistoryApi> {
    const { log, names, logger } = options;
    if (!options.token && !isLoopback(options.host)) {
      throw new ConfigError(`the API would listen on ${options.host} without a token`, 'set YTWATCH_API_TOKEN (clients send Authorization: Bearer …), or keep --host 127.0.0.1');
    }
    if (options.token && options.token.length < MIN_TOKEN_LENGTH && !isLoopback(options.host)) {
      throw new ConfigError(`YTWATCH_API_TOKEN is too short (${options.token.length} characters) to listen on ${options.host}`, `use at least ${MIN_TOKEN_LENGTH} random characters, e.g. \`openssl rand -hex 24\``);
    }
    const hub = new FeedHub();
    const history = await openHistory({
      ...options,
      onFeed: (e) => hub.publish(e),
      onDelivery: (d) => hub.publish({ kind: 'delivery', id: d.alertId, videoId: d.videoId, delivery: d.delivery }),
    });
    const { store, stage } = history;
    let app: FastifyInstance | undefined;
    try {
      app = await buildApi({
        store, log, names, hub, logger,
        counters: stage.counters,
        token: options.token,
        websub: options.websub,
        subscriptions: options.subscriptions ?? new SubscriptionBook(log, names, { maxPerChat: options.maxPerChat, quota: options.quota }),
        quotaUnitsToday: options.quotaUnitsToday,
        delivery: options.delivery,
        lastPollUnits: options.lastPollUnits,
      });
      const url = await listen(app, options.host, options.port);
      await stage.start();
      logger.info({ url, store: store.where, log: log.kind }, 'api listening');
      return new HistoryApi(url, app, stage, store, history.close);
    } catch (err) {
      await app?.close().catch(() => {});
      await history.close();
      throw err;
    }
  }

  /** Runs the history stage until `stop`; the server answers meanwhile. */
  run(stop: AbortSignal, abort: AbortSignal): Promise<void> {
    return this.history.run(stop, abort);
  }

  /** Ends live streams, stops listening, leaves the groups and closes the store (not the log). */
  async close(): Promise<void> {
    await this.app.close().catch(() => {});
    await this.closeHistory();
  }
}
