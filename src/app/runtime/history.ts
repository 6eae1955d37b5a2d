import type { Logger } from 'pino';
import type { EventLog } from '../../engine/core/log.js';
import type { Names } from '../core/topics.js';
import { openHistoryDb } from '../history/db.js';
import { HistoryStore, type FeedEntry } from '../history/store.js';
import { HistoryService, type HistoryServiceOptions } from '../stages/history.js';

export interface HistoryRuntimeOptions {
  log: EventLog;
  names: Names;
  logger: Logger;
  dataDir: string;
  /** PostgreSQL instead of SQLite for the history store. */
  databaseUrl?: string;
  retentionDays: number;
  /** Each change or alert stored for the first time (the API's live feed). */
  onFeed?: (entry: FeedEntry) => void;
  /** Each alert outcome stored, with all the alert's outcomes so far (the live feed's ✓/✗ marks). */
  onDelivery?: HistoryServiceOptions['onDelivery'];
}

/** The history stage with its store: opened (migrations applied), not yet consuming (`stage.start()`). */
export async function openHistory(options: HistoryRuntimeOptions): Promise<{ store: HistoryStore; stage: HistoryService; close(): Promise<void> }> {
  const store = new HistoryStore(await openHistoryDb({ dataDir: options.dataDir, databaseUrl: options.databaseUrl }));
  const { log, names, logger, retentionDays, onFeed, onDelivery } = options;
  const stage = new HistoryService({ log, names, store, logger, retentionDays, onFeed, onDelivery });
  return {
    store,
    stage,
    async close() {
      await stage.close();
      await store.close().catch(() => {});
    },
  };
}
