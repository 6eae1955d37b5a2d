/**
 * Topic names. The first three keep the seeds' names so ksqlDB users recognise them.
 * `YTWATCH_TOPIC_PREFIX` prefixes every topic and consumer group.
 */
export const TOPICS = {
  videos: 'youtube_videos',
  changes: 'youtube_changes',
  outbox: 'telegram_outbox',
  deadLetters: 'ytwatch_dead_letters',
  detectState: 'ytwatch_detect_state',
  notifySent: 'ytwatch_notify_sent',
  /** What became of each alert at each sink (delivered / failed), for the dashboard's feed. */
  deliveries: 'ytwatch_deliveries',
  /** Compacted: the last poll and each sink's last success and failure, for `status` and `/health`. */
  status: 'ytwatch_status',
  /** Compacted: which dead letters were replayed or purged (key: the dead letter's id). */
  dlqMarks: 'ytwatch_dlq_marks',
} as const;

export const GROUPS = {
  detect: 'ytwatch-detect',
  notify: 'ytwatch-notify',
  history: 'ytwatch-history',
} as const;

export type TopicName = keyof typeof TOPICS;

/** Topic and group names with the deployment's prefix applied. */
export interface Names {
  topic(name: TopicName): string;
  group(name: keyof typeof GROUPS): string;
  prefix: string;
}

export function names(prefix = ''): Names {
  return {
    prefix,
    topic: (name) => prefix + TOPICS[name],
    group: (name) => prefix + GROUPS[name],
  };
}
