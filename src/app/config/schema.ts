/**
 * The configuration schema: environment variables (secrets and endpoints, 12-factor) and the config
 * file (watch lists, rules, delivery). The README's reference tables are generated from these
 * descriptions (`npm run docs`) and a test fails when they drift.
 */
import { z } from 'zod';
import { defaultDataDir } from './paths.js';
import { DURATION_WITH_UNIT } from '../../engine/core/duration.js';
import { DEFAULT_RULES, MetricRules } from '../stages/rules.js';
import { Count, optionalString } from '../core/settings.js';
import { WebSubConfig, YouTubeConfig, YouTubeEnv } from '../youtube/config.js';
import { NotifyConfig } from '../sinks/config.js';
import { SINK_ENV } from '../sinks/registry.js';
import { HistoryConfig } from '../history/config.js';


export const EnvSchema = z.object({
  ...YouTubeEnv,
  ...SINK_ENV,
  YTWATCH_DATA_DIR: optionalString
    .transform((v) => v ?? defaultDataDir())
    .describe('Folder for the embedded event log, state, quota ledger and history. Created private (0700). Default: `./.ytwatch` when run from a git checkout; for an installed ytwatch the per-user state folder: `$XDG_STATE_HOME/ytwatch` (else `~/.local/state/ytwatch`), `~/Library/Application Support/ytwatch` on macOS, `%LOCALAPPDATA%\\ytwatch` on Windows.'),
  YTWATCH_CONFIG: optionalString.describe('Path of the config file. Default `./ytwatch.config.json` when it exists.'),
  YTWATCH_TOPIC_PREFIX: z.string().default('').describe('Prefix for every topic and consumer group, so deployments can share one log.'),
  YTWATCH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level of the diagnostics written to stderr.'),
  KAFKA_BROKERS: optionalString.describe('Comma-separated Kafka bootstrap servers. When set, the event log is Apache Kafka instead of embedded SQLite.'),
  KAFKA_PARTITIONS: z.coerce.number().int().positive().default(6).describe('Partitions of the topics ytwatch creates on Kafka (the most workers one stage can use).'),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().positive().default(1).describe('Replication factor of the topics ytwatch creates on Kafka (3 on a production cluster).'),
  YTWATCH_FORMAT: z.enum(['json', 'avro']).default('json').describe('Value format of the data topics (`youtube_videos`, `youtube_changes`, `telegram_outbox`): `json`, or `avro` in the Confluent wire format with schemas in a registry (see "Topic format").'),
  SCHEMA_REGISTRY_URL: optionalString.describe('Confluent-compatible schema registry (`http://host:8081`) for `YTWATCH_FORMAT=avro`; required on Kafka. On the embedded log without it, schemas are kept in `schemas.json` in the data folder.'),
  SCHEMA_REGISTRY_USER: optionalString.describe('Basic-auth user of the schema registry.'),
  SCHEMA_REGISTRY_PASSWORD: optionalString.describe('Basic-auth password of the schema registry. Never logged.'),
  YTWATCH_API_TOKEN: optionalString.describe('Bearer token the API and dashboard require (`Authorization: Bearer …`; `?access_token=…` on the dashboard and `/events` only). Required, at least 16 characters, when the API listens on anything but loopback. Never logged.'),
  DATABASE_URL: optionalString.describe('PostgreSQL URL (`postgres://user:password@host:5432/db`) for the history store behind the API and dashboard. Default: SQLite `history.db` in the data folder. Never logged.'),
});
export type Env = z.infer<typeof EnvSchema>;


export { MetricRules, DEFAULT_RULES };

export const Interval = z.union([
  z.literal('auto'),
  z.number().positive(),
  z.string().regex(new RegExp(DURATION_WITH_UNIT), 'a duration like "30s", "5m", "1h", or "auto"'),
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
    notify: NotifyConfig.default({}),
    youtube: YouTubeConfig.default({}),
    websub: WebSubConfig.default({}).describe('WebSub push of new uploads (with `WEBSUB_CALLBACK_URL`).'),
    partitions: Count.default(1).describe('Partitions of new topics on the embedded log (Kafka: see the Kafka section).'),
    history: HistoryConfig.default({})
      .describe('The history store behind the API and dashboard (`serve`, `run --port`).'),
    subscriptions: z
      .object({
        maxPerChat: Count.default(50).describe('Most subscriptions one recipient (Telegram chat, webhook, console) may hold; the operator\'s from flags and `watch` do not count.'),
      })
      .strict()
      .default({})
      .describe('Subscriptions: who watches what, told where (`ytwatch watch`, the API, the bot).'),
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
