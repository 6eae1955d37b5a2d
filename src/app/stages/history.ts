import { recordId, type EventLog } from '../../engine/core/log.js';
import type { Alert, Delivery, VideoChange, VideoEvent } from '../core/events.js';
import { describeError } from '../../engine/core/errors.js';
import { sleep } from '../../engine/core/time.js';
import { historyGroups, type Names } from '../core/topics.js';
import { Processor, drain } from '../../engine/stream/processor.js';
import { consumeLoop } from '../../engine/stream/loops.js';
import type { Logger } from 'pino';
import type { AlertDelivery, FeedEntry, HistoryStore } from '../history/store.js';
import type { HistoryCounters } from '../history/models.js';
import { HISTORY_DEFAULTS } from '../history/config.js';

export { historyGroups, type HistoryCounters };

export interface HistoryServiceOptions {
  log: EventLog;
  names: Names;
  store: HistoryStore;
  logger: Logger;
  /** Days of history kept; 0 keeps everything. Default 90. */
  retentionDays?: number;
  /** Time between prunes. Default one hour. */
  pruneEveryMs?: number;
  /** Called with each change or alert stored for the first time (the live feed). */
  onFeed?: (entry: FeedEntry) => void;
  /** Called when an alert's outcome at a sink is stored, with all its outcomes so far. */
  onDelivery?: (update: { alertId: string; videoId: string; delivery: AlertDelivery[] }) => void;
  maxBatch?: number;
  clock?: () => number;
}

/**
 * The history stage: three processors that copy `youtube_videos` (group `ytwatch-history`),
 * `youtube_changes` and `telegram_outbox` (groups `ytwatch-history-changes`, `-alerts`) into the
 * history store, plus a retention timer that prunes old rows.
 *
 * Delivery: at least once into the store, effectively once. The store write happens before the
 * offset commit, so a crash in between writes the batch again on restart; every insert is
 * idempotent (snapshots keyed by video id and fetch time, feed entries by their source record), so
 * the replay changes nothing and `onFeed` sees only rows that were new.
 */
export class HistoryService {
  readonly counters: HistoryCounters = { snapshots: 0, changes: 0, alerts: 0, pruned: 0 };
  readonly processors: Array<{ name: string; processor: Processor<unknown> }> = [];
  private readonly clock: () => number;

  constructor(private readonly options: HistoryServiceOptions) {
    this.clock = options.clock ?? Date.now;
    const { log, names, store } = options;
    const groups = historyGroups(names);
    const common = { log, deadLetterTopic: names.of('deadLetters'), maxBatch: options.maxBatch ?? 500 };
    const videos = new Processor<VideoEvent>({
      ...common,
      stage: 'history',
      group: groups.videos,
      input: names.of('videos'),
      handle: async (items) => {
        this.counters.snapshots += await store.addEvents(items.map((i) => i.value));
      },
    });
    const changes = new Processor<VideoChange>({
      ...common,
      stage: 'history',
      group: groups.changes,
      input: names.of('changes'),
      handle: async (items) => {
        const entries = items.map(({ record: r, value: c }): FeedEntry => ({ kind: 'change', id: recordId(r), videoId: c.videoId, title: c.title, at: c.at, change: c }));
        this.publish(await store.addFeed(entries));
      },
    });
    const alerts = new Processor<Alert>({
      ...common,
      stage: 'history',
      group: groups.alerts,
      input: names.of('outbox'),
      handle: async (items) => {
        const entries = items.map(({ value: a }): FeedEntry => ({ kind: 'alert', id: a.id, videoId: a.videoId, title: a.title, at: a.at, alert: a }));
        this.publish(await store.addFeed(entries));
      },
    });
    const deliveries = new Processor<Delivery>({
      ...common,
      stage: 'history',
      group: groups.deliveries,
      input: names.of('deliveries'),
      handle: async (items) => {
        await store.addDeliveries(items.map(({ value: d }) => ({ alertId: d.alertId, sink: d.sink, outcome: d.outcome, ...(d.reason !== undefined ? { reason: d.reason } : {}), at: d.at })));
        const ids = [...new Set(items.map((i) => i.value.alertId))];
        const marked = await store.deliveriesOf(ids);
        for (const d of items) this.options.onDelivery?.({ alertId: d.value.alertId, videoId: d.value.videoId, delivery: marked.get(d.value.alertId) ?? [] });
      },
    });
    this.processors.push(
      { name: 'history', processor: videos as Processor<unknown> },
      { name: 'history-changes', processor: changes as Processor<unknown> },
      { name: 'history-alerts', processor: alerts as Processor<unknown> },
      { name: 'history-deliveries', processor: deliveries as Processor<unknown> },
    );
  }

  /** Joins the consumer groups. */
  async start(): Promise<void> {
    for (const { processor } of this.processors) await processor.start();
  }

  /** Consumes until every group has caught up with the log's end (tests, one-shot use). */
  async drain(signal: AbortSignal): Promise<void> {
    for (const { processor } of this.processors) await drain(processor, signal);
  }

  /**
   * Consumes and prunes until `stop` is aborted. A failed batch is retried from the last commit
   * with capped back-off; `abort` cancels the batch in flight.
   */
  async run(stop: AbortSignal, abort: AbortSignal): Promise<void> {
    await Promise.all([...this.processors.map((p) => consumeLoop(p.name, p.processor, stop, abort, this.options.logger)), this.pruneLoop(stop)]);
  }

  /** Deletes what is older than the retention; returns the rows removed. */
  async prune(): Promise<number> {
    const days = this.options.retentionDays ?? HISTORY_DEFAULTS.retentionDays;
    if (days <= 0) return 0;
    const res = await this.options.store.prune(this.clock() - days * 86_400_000);
    const n = res.snapshots + res.feed + res.videos;
    this.counters.pruned += n;
    if (n > 0) this.options.logger.info({ ...res, retentionDays: days }, 'history: pruned');
    return n;
  }

  async close(): Promise<void> {
    for (const { processor } of this.processors) await processor.close().catch(() => {});
  }

  private publish(entries: FeedEntry[]): void {
    for (const e of entries) {
      if (e.kind === 'change') this.counters.changes++;
      else this.counters.alerts++;
      this.options.onFeed?.(e);
    }
  }

  private async pruneLoop(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      try {
        await this.prune();
      } catch (err) {
        this.options.logger.error({ err: describeError(err) }, 'history: pruning failed; trying again later');
      }
      await sleep(this.options.pruneEveryMs ?? 3_600_000, stop).catch(() => {});
    }
  }
}
