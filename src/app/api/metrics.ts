import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventLog } from '../../engine/core/log.js';
import { historyGroups, type Names, type TopicName } from '../core/topics.js';
import { groupLag, readQuotaToday, stageGroups } from '../core/status.js';
import type { HistoryCounters } from '../history/models.js';
import type { HistoryStore } from '../history/store.js';
import type { FeedHub } from './live.js';

/** What this process's pipeline stages report to `/metrics`, when it runs them (`run --port`). */
export interface ProcessMetrics {
  /** YouTube quota units spent today (Pacific), from the poller's ledger. */
  quotaUnitsToday?: () => number;
  /** Alerts the notify stage of this process delivered or dead-lettered. */
  delivery?: () => { delivered: number; failed: number };
  /** Units the latest poll spent on membership and on statistics, once one finished. */
  lastPollUnits?: () => { membership: number; statistics: number } | undefined;
}

export interface MetricsSources extends ProcessMetrics {
  log: EventLog;
  names: Names;
  store: HistoryStore;
  hub: FeedHub;
  /** The history stage of this process, when it runs one. */
  counters?: HistoryCounters;
}

/**
 * The Prometheus registry of `GET /metrics`: what the history stage stored, the log's end offsets,
 * every consumer group's lag, live-feed clients and Node's process metrics. Values are read at
 * scrape time; nothing here can carry a secret (no configuration or environment is exported).
 */
export function createMetrics(src: MetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ytwatch_' });
  const counter = (name: string, help: string, pick: (c: HistoryCounters) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        if (src.counters) this.inc(pick(src.counters));
      },
    });
  counter('ytwatch_history_snapshots_stored_total', 'Snapshots this process stored in the history store (replays not counted).', (c) => c.snapshots);
  counter('ytwatch_history_changes_stored_total', 'Changes this process recorded for the feed.', (c) => c.changes);
  counter('ytwatch_history_alerts_stored_total', 'Alerts this process recorded for the feed.', (c) => c.alerts);
  counter('ytwatch_history_rows_pruned_total', 'History rows deleted by retention.', (c) => c.pruned);

  const units = src.quotaUnitsToday;
  new Gauge({
    name: 'ytwatch_youtube_quota_units_today',
    help: 'YouTube Data API quota units spent since midnight Pacific Time (the poller\'s ledger; under `serve`, as the poller last recorded it).',
    registers: [registry],
    async collect() {
      this.set(units ? units() : await readQuotaToday(src.log, src.names));
    },
  });
  if (src.lastPollUnits) {
    const last = src.lastPollUnits;
    new Gauge({
      name: 'ytwatch_youtube_poll_units',
      help: 'Quota units of the latest poll, by part: membership (playlistItems, channels) and statistics (videos.list).',
      labelNames: ['part'],
      registers: [registry],
      collect() {
        this.reset();
        const u = last();
        if (!u) return;
        this.set({ part: 'membership' }, u.membership);
        this.set({ part: 'statistics' }, u.statistics);
      },
    });
  }
  if (src.delivery) {
    const delivery = src.delivery;
    new Counter({
      name: 'ytwatch_alerts_total',
      help: 'Alerts the notify stage of this process handled, by outcome (failed = dead-lettered).',
      labelNames: ['outcome'],
      registers: [registry],
      collect() {
        this.reset();
        const d = delivery();
        this.inc({ outcome: 'delivered' }, d.delivered);
        this.inc({ outcome: 'failed' }, d.failed);
      },
    });
  }

  const topics: TopicName[] = ['videos', 'changes', 'outbox', 'deadLetters'];
  new Gauge({
    name: 'ytwatch_topic_end_offset',
    help: 'Sum over partitions of the next offset of each topic (records ever appended, on the embedded log).',
    labelNames: ['topic'],
    registers: [registry],
    async collect() {
      for (const t of topics) {
        const ends = await src.log.endOffsets(src.names.topic(t));
        this.set({ topic: src.names.topic(t) }, sum(ends.values()));
      }
    },
  });
  const groups = stageGroups(src.names, historyGroups(src.names));
  new Gauge({
    name: 'ytwatch_consumer_lag',
    help: 'Records of the topic not yet committed by the consumer group (end offset minus committed offset; on Kafka, transaction markers add up to one per partition).',
    labelNames: ['group', 'topic'],
    registers: [registry],
    async collect() {
      for (const g of groups) {
        const topic = src.names.topic(g.topic);
        this.set({ group: g.group, topic }, await groupLag(src.log, g.group, topic));
      }
    },
  });
  new Gauge({
    name: 'ytwatch_videos_watched',
    help: 'Videos in the history store.',
    registers: [registry],
    async collect() {
      this.set(await src.store.countVideos());
    },
  });
  new Gauge({
    name: 'ytwatch_live_clients',
    help: 'Open GET /events streams.',
    registers: [registry],
    collect() {
      this.set(src.hub.size);
    },
  });
  return registry;
}

function sum(values: Iterable<number>): number {
  let n = 0;
  for (const v of values) n += v;
  return n;
}
