import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { EventLog } from '../core/log.js';
import type { Names } from '../core/topics.js';
import { openHistoryDb } from '../history/db.js';
import { HistoryService } from '../history/service.js';
import { HistoryStore } from '../history/store.js';
import { FeedHub } from './live.js';
import { ConfigError } from '../core/errors.js';
import type { ProcessMetrics } from './metrics.js';
import { buildApi, isLoopback, listen } from './server.js';


export interface HistoryApiOptions extends ProcessMetrics {
  log: EventLog;
  names: Names;
  logger: Logger;
  dataDir: string;
  /** PostgreSQL instead of SQLite for the history store. */
  databaseUrl?: string;
  retentionDays: number;
  host: string;
  port: number;
  /** Required unless `host` is a loopback address. */
  token?: string;
}

/**
 * The history stage and the HTTP API in one process (what `ytwatch serve` and `ytwatch run --port`
 * run): the stage fills the store and feeds `/events`; the API reads the store.
 */
export class HistoryApi {
  private constructor(
    readonly url: string,
    readonly app: FastifyInstance,
    readonly history: HistoryService,
    readonly store: HistoryStore,
  ) {}

  /** Opens the store (applying migrations), starts listening, then joins the history groups. */
  static async start(options: HistoryApiOptions): Promise<HistoryApi> {
    const { log, names, logger } = options;
    if (!options.token && !isLoopback(options.host)) {
      throw new ConfigError(`the API would listen on ${options.host} without a token`, 'set YTWATCH_API_TOKEN (clients send Authorization: Bearer …), or keep --host 127.0.0.1');
    }
    const store = new HistoryStore(await openHistoryDb({ dataDir: options.dataDir, databaseUrl: options.databaseUrl }));
    const hub = new FeedHub();
    const history = new HistoryService({ log, names, store, logger, retentionDays: options.retentionDays, onFeed: (e) => hub.publish(e), onDelivery: (d) => hub.publish({ kind: 'delivery', id: d.alertId, videoId: d.videoId, delivery: d.delivery }) });
    let app: FastifyInstance | undefined;
    try {
      app = await buildApi({
        store, log, names, hub, logger,
        counters: history.counters,
        token: options.token,
        quotaUnitsToday: options.quotaUnitsToday,
        delivery: options.delivery,
      });
      const url = await listen(app, options.host, options.port);
      await history.start();
      logger.info({ url, store: store.where, log: log.kind }, 'api listening');
      return new HistoryApi(url, app, history, store);
    } catch (err) {
      await app?.close().catch(() => {});
      await history.close();
      await store.close().catch(() => {});
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
    await this.history.close();
    await this.store.close().catch(() => {});
  }
}
