/**
 * The topic catalogue: for each of ytwatch's topics its name, key, record schema (the one zod
 * definition, in `events.ts`) and serde (JSON; Avro for the data topics with `YTWATCH_FORMAT=avro`,
 * see `avro.ts`). Every emit and parse site goes through it
 * (`names.of('videos').record(snapshot)`, `.parse(value)`). The first three names are the seeds',
 * so ksqlDB users recognise them. `YTWATCH_TOPIC_PREFIX` prefixes every topic and consumer group.
 */
import { z } from 'zod';
import { DEAD_LETTERS } from '../../engine/core/records.js';
import { bindTopic, defineTopic, type Topic, type TopicDef } from '../../engine/core/topic.js';
import type { TopicSpec } from '../../engine/core/log.js';
import { compiledJsonSerde, type Serde } from '../../engine/core/serde.js';
import { toJsonSchema } from './json-schema.js';
import { Alert, Delivery, DlqMark, StatusRecord, Subscription, VideoChange, VideoEvent, VideoState } from './events.js';
import { fastVideoEvent } from './fast-events.js';

export const CATALOGUE = {
  videos: defineTopic({ name: 'youtube_videos', schema: VideoEvent, key: (v) => v.videoId, fast: fastVideoEvent }),
  // detect writes ~2.7 records per snapshot to these three: their JSON is written by compiled code.
  changes: defineTopic({ name: 'youtube_changes', schema: VideoChange, key: (c) => c.videoId, serde: compiledJsonSerde<VideoChange>(() => toJsonSchema(VideoChange)) }),
  outbox: defineTopic({ name: 'telegram_outbox', schema: Alert, key: (a) => a.videoId, serde: compiledJsonSerde<Alert>(() => toJsonSchema(Alert)) }),
  deadLetters: { ...DEAD_LETTERS, name: 'ytwatch_dead_letters' },
  /** detect's state changelog, keyed by video id, co-partitioned with `youtube_videos`. */
  detectState: defineTopic({ name: 'ytwatch_detect_state', schema: VideoState, compacted: true, serde: compiledJsonSerde<VideoState>(() => toJsonSchema(VideoState)) }),
  /** notify's sent ledger: `sink:alertId` keys, value `1`; one partition shared by every worker. */
  notifySent: defineTopic({ name: 'ytwatch_notify_sent', schema: z.literal(1), compacted: true, partitions: 1 }),
  /** What became of each alert at each sink (delivered / failed), for the dashboard's feed. */
  deliveries: defineTopic({ name: 'ytwatch_deliveries', schema: Delivery, key: (d) => d.videoId }),
  /** The last poll and each sink's last success and failure (keys `poll`, `sink/<name>`), for `status` and `/health`. */
  status: defineTopic({ name: 'ytwatch_status', schema: StatusRecord, compacted: true, partitions: 1 }),
  /** Which dead letters were replayed or purged (key: the dead letter's id). */
  dlqMarks: defineTopic({ name: 'ytwatch_dlq_marks', schema: DlqMark, compacted: true, partitions: 1 }),
  /** Subscriptions (who watches what, told where), keyed by id; a null value removes one. */
  subscriptions: defineTopic({ name: 'ytwatch_subscriptions', schema: Subscription, key: (s) => s.id, compacted: true, partitions: 1 }),
} as const;

export type TopicName = keyof typeof CATALOGUE;
/** The record type of a catalogue topic. */
export type RecordOf<N extends TopicName> = (typeof CATALOGUE)[N] extends TopicDef<infer T> ? T : never;

/** Topic names without the prefix. */
export const TOPICS = Object.fromEntries(Object.entries(CATALOGUE).map(([k, d]) => [k, d.name])) as { readonly [N in TopicName]: string };

export const GROUPS = {
  detect: 'ytwatch-detect',
  notify: 'ytwatch-notify',
  history: 'ytwatch-history',
} as const;

/** The consumer groups of the history stage: one per input topic. */
export function historyGroups(names: Names): { videos: string; changes: string; alerts: string; deliveries: string } {
  const g = names.group('history');
  return { videos: g, changes: `${g}-changes`, alerts: `${g}-alerts`, deliveries: `${g}-deliveries` };
}

/** Topic and group names with the deployment's prefix applied. */
export interface Names {
  topic(name: TopicName): string;
  /** The catalogue topic under its prefixed name: builds records to produce, parses values read. */
  of<N extends TopicName>(name: N): Topic<RecordOf<N>>;
  group(name: keyof typeof GROUPS): string;
  /** Every topic ytwatch uses, as created (the state co-partitioned with its input). */
  specs(partitions: number): TopicSpec[];
  prefix: string;
}

/** Serdes that replace the catalogue's JSON for some topics (`YTWATCH_FORMAT=avro`). */
export type Serdes = { readonly [N in TopicName]?: Serde<RecordOf<N>> };

export function names(prefix = '', serdes: Serdes = {}): Names {
  const bound = new Map<TopicName, Topic<unknown>>();
  const of = <N extends TopicName>(name: N): Topic<RecordOf<N>> => {
    let t = bound.get(name);
    const def = CATALOGUE[name] as TopicDef<unknown>;
    const serde = serdes[name] as Serde<unknown> | undefined;
    if (!t) bound.set(name, (t = bindTopic(serde ? { ...def, serde } : def, prefix + CATALOGUE[name].name)));
    return t as Topic<RecordOf<N>>;
  };
  return {
    prefix,
    topic: (name) => prefix + CATALOGUE[name].name,
    of,
    group: (name) => prefix + GROUPS[name],
    specs: (partitions) => (Object.keys(CATALOGUE) as TopicName[]).map((n) => of(n).spec(partitions)),
  };
}
