import { parseArgs } from 'node:util';
import { ConfigError } from '../../engine/core/errors.js';

export const USAGE = `ytwatch — watch YouTube videos and get alerts when their numbers change

Usage:
  ytwatch demo                       simulated YouTube, alerts on the console; no keys, no network
  ytwatch run [targets] [--once]     poll, detect and notify in one process (until Ctrl-C)
  ytwatch serve [--port N]           REST API, live dashboard and history store (no polling)
  ytwatch fetch|detect|notify        run one stage as a worker (scale out on Kafka)
  ytwatch doctor                     check the API key, bot token and chat
  ytwatch dlq list | replay          show or re-queue dead letters

Targets (repeatable, or under "watch" in the config file):
  --playlist ID|URL   --channel ID|@handle|URL   --video ID|URL

Options:
  --once              poll once, deliver everything, exit (non-zero if anything was not delivered)
  --interval V        auto (default: shortest that fits the daily quota budget), 90, 30s, 5m, 1h
  --config FILE       config file (default ./ytwatch.config.json when present)
  --port N            serve the API and dashboard on this port (serve: default 8080; run: only with --port)
  --host ADDR         address to listen on (default 127.0.0.1)
  --help, --version

Environment: YOUTUBE_API_KEY, TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID, YTWATCH_DATA_DIR, …
(see "Configuration" in the README).`;

export interface CliArgs {
  command: string;
  rest: string[];
  playlists: string[];
  channels: string[];
  videos: string[];
  once: boolean;
  interval?: string;
  config?: string;
  /** `--port`: 0–65535. */
  port?: number;
  host?: string;
  help: boolean;
  version: boolean;
}

export function parseCli(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        playlist: { type: 'string', multiple: true },
        channel: { type: 'string', multiple: true },
        video: { type: 'string', multiple: true },
        once: { type: 'boolean', default: false },
        interval: { type: 'string' },
        config: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (err) {
    throw new ConfigError((err as Error).message.split('\n')[0]!, 'see `ytwatch --help`', { cause: err });
  }
  const { values, positionals } = parsed;
  return {
    command: positionals[0] ?? (values.version ? 'version' : 'help'),
    rest: positionals.slice(1),
    playlists: values.playlist ?? [],
    channels: values.channel ?? [],
    videos: values.video ?? [],
    once: values.once ?? false,
    interval: values.interval,
    config: values.config,
    port: parsePort(values.port),
    host: values.host,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new ConfigError(`bad --port ${JSON.stringify(value)}`, 'use a port number from 1 to 65535 (0 picks a free one)');
  return n;
}
