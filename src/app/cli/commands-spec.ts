/**
 * Every command and option of the CLI, once: the parser (`args.ts`) accepts exactly these, and the
 * help texts are generated from them, so help and parser cannot disagree.
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Placeholder of the value in help. */
  arg?: string;
  help: string;
}

const OPTION_SPECS = {
  playlist: { type: 'string', multiple: true, arg: 'ID|URL', help: 'watch a playlist (repeatable)' },
  channel: { type: 'string', multiple: true, arg: 'UC…|@handle|URL', help: "watch a channel's uploads (repeatable)" },
  video: { type: 'string', multiple: true, arg: 'ID|URL', help: 'watch one video (repeatable)' },
  once: { type: 'boolean', help: 'poll once, deliver everything, exit (1 if anything was not delivered)' },
  interval: { type: 'string', arg: 'V', help: 'time between polls: auto (the shortest that fits the daily budget), 90, 30s, 5m, 1h' },
  config: { type: 'string', arg: 'FILE', help: 'config file (default ./ytwatch.config.json when present)' },
  port: { type: 'string', arg: 'N', help: 'serve the API and dashboard on this port (0 picks a free one)' },
  host: { type: 'string', arg: 'ADDR', help: 'address to listen on (default 127.0.0.1)' },
  'log-format': { type: 'string', arg: 'pretty|json', help: 'diagnostics as readable lines or JSON lines with ISO times (default: pretty on a terminal, json otherwise)' },
  json: { type: 'boolean', help: 'print JSON instead of text' },
  id: { type: 'string', arg: 'ID', help: 'only the dead letter with this id (from `ytwatch dlq list`)' },
  before: { type: 'string', arg: 'WHEN', help: 'only dead letters older than this: an ISO date/time or an age (30m, 12h, 7d)' },
  chat: { type: 'string', arg: 'ID', help: "the Telegram chat to tell (default: the operator's TELEGRAM_CHAT_ID, else the webhook, else the console)" },
  rules: { type: 'string', arg: 'JSON', help: 'alert rules in the config file\'s language, e.g. \'{"views":{"every":1000}}\' (default: the global rules)' },
  help: { type: 'boolean', short: 'h', help: 'show help' },
  version: { type: 'boolean', short: 'v', help: 'show the version' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTION_SPECS;
export const OPTIONS: Record<OptionName, OptionSpec> = OPTION_SPECS;

export interface CommandSpec {
  name: string;
  /** Arguments after the name, for the usage line. */
  usage: string;
  summary: string;
  /** Longer explanation for the command's own help. */
  details?: string;
  options: readonly OptionName[];
  /** Allowed first positional (e.g. `dlq list`). */
  subcommands?: readonly string[];
  /** Subcommands that take one operand, with its name (`watch add <target>`). */
  operands?: Readonly<Record<string, string>>;
}

const TARGETS = ['playlist', 'channel', 'video'] as const;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'demo',
    usage: '[--interval V] [--port N]',
    summary: 'simulated YouTube, alerts on the console; no keys, no network',
    details: 'Runs the real pipeline against a built-in simulated YouTube on loopback whose numbers move every 2 s. With --port it also serves the dashboard and prints its URL.',
    options: ['interval', 'port', 'host', 'log-format'],
  },
  {
    name: 'run',
    usage: '[targets] [--interval V] [--once] [--port N]',
    summary: 'poll, detect and notify in one process (until Ctrl-C)',
    details: 'Prints one line per poll (videos, changes, alerts sent/failed, quota units today, next poll). The first poll of a video records its baseline and alerts nothing.',
    options: [...TARGETS, 'once', 'interval', 'config', 'port', 'host', 'log-format'],
  },
  {
    name: 'serve',
    usage: '[--port N] [--host ADDR]',
    summary: 'REST API, live dashboard and history store (no polling)',
    options: ['config', 'port', 'host', 'log-format'],
  },
  { name: 'fetch', usage: '[targets] [--interval V] [--once]', summary: 'the fetch stage alone, as a worker (one per deployment)', options: [...TARGETS, 'once', 'interval', 'config', 'log-format'] },
  { name: 'detect', usage: '[--once]', summary: 'the detect stage alone, as a worker (scale out on Kafka)', options: ['once', 'config', 'log-format'] },
  { name: 'notify', usage: '[--once]', summary: 'the notify stage alone, as a worker (scale out on Kafka)', options: ['once', 'config', 'log-format'] },
  {
    name: 'status',
    usage: '[--json]',
    summary: 'last and next poll, quota, sinks, dead letters, consumer lag',
    details: 'Reads the data folder (or Kafka) that a running `ytwatch run` or its workers write; safe to run beside them.',
    options: ['json', 'config'],
  },
  { name: 'doctor', usage: '', summary: 'check the API key, bot token and chat', options: [] },
  {
    name: 'dlq',
    usage: 'list [--json] | replay [--id ID] | purge [--before WHEN]',
    summary: 'show, re-queue or drop dead letters',
    details:
      'list: every dead letter waiting, with the alert text, its target and the reason.\n' +
      'replay: re-queues each waiting dead letter once (a running `ytwatch run` delivers it); a replay that fails again comes back as one waiting dead letter.\n' +
      'purge: drops waiting dead letters (all, or those older than --before) without delivering them.',
    options: ['json', 'id', 'before', 'config'],
    subcommands: ['list', 'replay', 'purge'],
  },
  {
    name: 'watch',
    usage: 'add <target> [--chat ID] [--rules JSON] | list [--json] | remove <id|target> [--chat ID]',
    summary: 'add, list or remove subscriptions (who watches what, told where)',
    details:
      'add: subscribes a recipient to a playlist, channel or video (any form `run` accepts); a running `ytwatch run` polls it from its next poll.\n' +
      'list: every subscription, the ones from --playlist/--channel/--video and the config\'s "watch" list included (marked config).\n' +
      'remove: by id (from `watch list`) or by target (of --chat, or the operator\'s recipient).',
    options: ['chat', 'rules', 'json', 'config'],
    subcommands: ['add', 'list', 'remove'],
    operands: { add: 'target', remove: 'id|target' },
  },
  { name: 'help', usage: '[command]', summary: 'this help, or the help of one command', options: [] },
  { name: 'version', usage: '', summary: 'print the version', options: [] },
];

const optionLine = (name: OptionName) => {
  const o = OPTIONS[name];
  const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.arg ? ` ${o.arg}` : ''}`;
  return `  ${flag.padEnd(30)} ${o.help}`;
};

/** The global help, or one command's (`ytwatch run --help`, `ytwatch help run`). */
export function commandHelp(name?: string): string {
  const spec = name ? COMMANDS.find((c) => c.name === name) : undefined;
  if (!spec) return usage();
  const lines = [`Usage: ytwatch ${spec.name}${spec.usage ? ` ${spec.usage}` : ''}`, '', `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`];
  if (spec.details) lines.push('', spec.details);
  if (spec.options.length > 0) lines.push('', 'Options:', ...spec.options.map(optionLine));
  lines.push('', 'Environment: YOUTUBE_API_KEY, TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID, YTWATCH_DATA_DIR, … (see "Configuration" in the README).');
  return lines.join('\n');
}

/** The global help: every command with its summary. */
export function usage(): string {
  return [
    'ytwatch — watch YouTube videos and get alerts when their numbers change',
    '',
    'Usage:',
    ...COMMANDS.map((c) => `  ytwatch ${`${c.name} ${c.name === 'dlq' ? 'list|replay|purge' : c.name === 'watch' ? 'add|list|remove' : ''}`.trimEnd().padEnd(24)} ${c.summary}`),
    '',
    'Targets (repeatable, or under "watch" in the config file):',
    '  --playlist ID|URL   --channel UC…|@handle|URL   --video ID|URL',
    '',
    '`ytwatch <command> --help` (or `ytwatch help <command>`) shows a command\'s options.',
    'Environment: YOUTUBE_API_KEY, TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID, YTWATCH_DATA_DIR, … (see "Configuration" in the README).',
  ].join('\n');
}
