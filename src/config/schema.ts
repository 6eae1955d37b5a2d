/**
 * The configuration schema: environment variables (secrets and endpoints, 12-factor) and the config
 * file (watch lists, rules, delivery). The README's reference tables are generated from these
 * descriptions (`npm run docs`) and a test fails when they drift.
 */
import { z } from 'zod';
import { defaultDataDir } from './paths.js';

const nonEmpty = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s.trim());
const optionalString = z.string().optional().transform(nonEmpty);

export const EnvSchema = z.object({
  YOUTUBE_API_KEY: optionalString.describe('YouTube Data API v3 key. Required by `run`, `fetch` and `doctor` (not by `demo`).'),
  YOUTUBE_API_ROOT: z.string().url().default('https://youtube.googleapis.com').describe('YouTube API root; requests go to `ROOT/youtube/v3/…`. Tests point it at a local fake.'),
  TELEGRAM_BOT_TOKEN: optionalString.describe('Bot token from @BotFather. With `TELEGRAM_CHAT_ID`, alerts go to Telegram. Never logged.'),
  TELEGRAM_CHAT_ID: optionalString.describe('Chat to alert: a numeric id or `@channelname`.'),
  TELEGRAM_API_ROOT: z.string().url().default('https://api.telegram.org').describe('Telegram Bot API root; requests go to `ROOT/bot<token>/<method>`.'),
  WEBHOOK_URL: optionalString.pipe(z.string().url().optional()).describe('When set, every alert is also POSTed as JSON to this URL (like the seeds\' HTTP sink).'),
  YTWATCH_DATA_DIR: optionalString
    .transform((v) => v ?? defaultDataDir())
    .describe('Folder for the embedded event log, state, quota ledger and history. Created private (0700). Default: `./.ytwatch` when run from a git checkout; for an installed ytwatch the per-user state folder: `$XDG_STATE_HOME/ytwatch` (else `~/.local/state/ytwatch`), `~/Library/Application Support/ytwatch` on macOS, `%LOCALAPPDATA%\\ytwatch` on Windows.'),
  YTWATCH_CONFIG: optionalString.describe('Path of the config file. Default `./ytwatch.config.json` when it exists.'),
  YTWATCH_TOPIC_PREFIX: z.string().default('').describe('Prefix for every topic and consumer group, so deployments can share one log.'),
  YTWATCH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level of the diagnostics written to stderr.'),
  KAFKA_BROKERS: optionalString.describe('Comma-separated Kafka bootstrap servers. When set, the event log is Apache Kafka instead of embedded SQLite.'),
  KAFKA_PARTITIONS: z.coerce.number().int().positive().default(6).describe('Partitions of the topics ytwatch creates on Kafka (the most workers one stage can use).'),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().positive().default(1).describe('Replication factor of the topics ytwatch creates on Kafka (3 on a production cluster).'),
  YTWATCH_API_TOKEN: optionalString.describe('Bearer token the API and dashboard require (`Authorization: Bearer …` or `?access_token=…`). Required when the API listens on anything but loopback. Never logged.'),
  DATABASE_URL: optionalString.describe('PostgreSQL URL (`postgres://user:password@host:5432/db`) for the history store behind the API and dashboard. Default: SQLite `history.db` in the data folder. Never logged.'),
});
export type Env = z.infer<typeof EnvSchema>;

const Count = z.number().int().positive();

/** One metric's rules; an alert fires when any configured rule matches a change. */
export const MetricRules = z
  .object({
    any: z.boolean().optional().describe('Alert on every change of the metric.'),
    delta: Count.optional().describe('Alert when the metric moved by at least this much since the previous snapshot.'),
    percent: z.number().positive().optional().describe('Alert when the metric moved by at least this percentage (seed 003 uses 5).'),
    every: Count.optional().describe('Alert when the metric crosses a multiple of this bucket size (seed 000: views every 200).'),
    milestones: z.array(Count).optional().describe('Alert when the metric reaches one of these values (e.g. 1000, 10000, 1000000).'),
  })
  .strict();
export type MetricRules = z.infer<typeof MetricRules>;

export const DEFAULT_RULES = {
  views: { every: 200 },
  likes: { any: true },
  comments: { any: true },
} satisfies Record<string, MetricRules>;

export const Interval = z.union([
  z.literal('auto'),
  z.number().positive(),
  z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'a duration like "30s", "5m", "1h", or "auto"'),
]);

export const FileConfigSchema = z
  .object({
    watch: z
      .object({
        playlists: z.array(z.string()).default([]).describe('Playlist ids or URLs.'),
        channels: z.array(z.string()).default([]).describe('Channel ids (UC…), @handles or URLs; their uploads playlist is watched.'),
        videos: z.array(z.string()).default([]).describe('Video ids or URLs.'),
      })
      .strict()
      .default({})
      .describe('What to watch; added to the `--playlist`, `--channel` and `--video` flags.'),
    interval: Interval.default('auto').describe('Time between polls: "auto" (the shortest that fits `dailyBudget`), seconds, or "30s", "5m", "1h".'),
    dailyBudget: Count.default(10_000).describe('Quota units a day the poller may spend (YouTube\'s default quota is 10,000).'),
    rules: z
      .object({ views: MetricRules.optional(), likes: MetricRules.optional(), comments: MetricRules.optional() })
      .strict()
      .default(DEFAULT_RULES)
      .describe('Alert rules per metric (`any`, `delta`, `percent`, `every`, `milestones`). Default: likes any, comments any, views every 200.'),
    notify: z
      .object({
        console: z.boolean().optional().describe('Print alerts on stdout. Default: on when neither Telegram nor a webhook is configured.'),
        paceMs: z.number().int().nonnegative().default(1000).describe('Minimum time between two messages to one Telegram chat (Telegram allows about 1/s per chat).'),
        groupAlerts: z.boolean().default(true).describe('Group the alerts of one batch for one chat into one message (under 4096 characters).'),
        maxAttempts: Count.default(8).describe('Attempts for a retriable delivery failure (429, 5xx, network) before the alert is dead-lettered.'),
      })
      .strict()
      .default({}),
    youtube: z
      .object({
        attempts: Count.default(5).describe('Attempts per YouTube call for retriable failures (5xx, timeouts, network).'),
        baseDelayMs: z.number().int().nonnegative().default(1000).describe('First back-off delay between attempts; doubles each time, with jitter.'),
        timeoutMs: Count.default(15_000).describe('Timeout of one YouTube request.'),
      })
      .strict()
      .default({}),
    partitions: Count.default(1).describe('Partitions of new topics on the embedded log (Kafka: see the Kafka section).'),
    history: z
      .object({
        retentionDays: z.number().nonnegative().default(90).describe('Days of snapshots, changes and alerts the history store keeps; older rows are pruned every hour. 0 keeps everything.'),
      })
      .strict()
      .default({})
      .describe('The history store behind the API and dashboard (`serve`, `run --port`).'),
    api: z
      .object({
        host: z.string().min(1).default('127.0.0.1').describe('Address the API and dashboard listen on (`--host`). Use `0.0.0.0` to serve other machines.'),
        port: z.number().int().min(0).max(65535).default(8080).describe('Port of `ytwatch serve` (`--port`); `run` serves only when given `--port`.'),
      })
      .strict()
      .default({}),
  })
  .strict();
export type FileConfig = z.infer<typeof FileConfigSchema>;
