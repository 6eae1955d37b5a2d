import { parseArgs } from 'node:util';
import { ConfigError } from '../../engine/core/errors.js';
import { parseInterval } from '../config/load.js';
import type { LogFormat } from '../runtime/logger.js';
import { COMMANDS, OPTIONS, commandHelp, type OptionName } from './commands-spec.js';


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
  /** `--log-format`; absent: pretty on a terminal, JSON otherwise. */
  logFormat?: LogFormat;
  /** `--json`: machine-readable output (`status`, `dlq list`). */
  json: boolean;
  /** `dlq replay --id`. */
  id?: string;
  /** `watch add --chat`: the Telegram chat id. */
  chat?: string;
  /** `watch add --rules`: rules as JSON text. */
  rules?: string;
  /** `dlq purge --before`, epoch ms. */
  before?: number;
  help: boolean;
  version: boolean;
}

/** The closest of `candidates` to `word` (edit distance at most 2, or a prefix), for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = c.startsWith(word) && word.length >= 2 ? 1 : distance(word, c);
    if (d <= 2 && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

const parseOptions = (names: readonly OptionName[]) =>
  Object.fromEntries(
    names.map((n) => {
      const { type, multiple, short } = OPTIONS[n];
      return [n, { type, ...(multiple ? { multiple } : {}), ...(short ? { short } : {}) }];
    }),
  );

/**
 * Parses and validates the whole command line before anything starts: the command, that each option
 * belongs to it, and every option's value. Errors are one line with a "did you mean" where one fits.
 */
export function parseCli(argv: string[]): CliArgs {
  const all = Object.keys(OPTIONS) as OptionName[];
  const loose = parseArgs({ args: argv, allowPositionals: true, strict: false, tokens: true, options: parseOptions(all) });
  const positionals = loose.positionals;
  const command = positionals[0] ?? (loose.values.version ? 'version' : 'help');
  const spec = COMMANDS.find((c) => c.name === command);
  if (!spec) {
    const guess = closest(command, COMMANDS.map((c) => c.name));
    throw new ConfigError(`unknown command "${command}"`, guess ? `did you mean \`ytwatch ${guess}\`? (see \`ytwatch --help\`)` : 'see `ytwatch --help`');
  }
  const allowed: OptionName[] = [...spec.options, 'help', 'version'];
  for (const t of loose.tokens ?? []) {
    if (t.kind !== 'option') continue;
    if (!allowed.includes(t.name as OptionName)) {
      const known = all.includes(t.name as OptionName);
      const guess = known ? undefined : closest(t.name, allowed);
      const shown = t.rawName.startsWith('--') ? `--${t.name}` : t.rawName;
      throw new ConfigError(
        known ? `option ${shown} does not apply to \`ytwatch ${command}\`` : `Unknown option '${shown}'`,
        guess ? `did you mean --${guess}? (see \`ytwatch ${command} --help\`)` : `see \`ytwatch ${command} --help\``,
      );
    }
    if (OPTIONS[t.name as OptionName].type === 'string' && (t.value === undefined || t.value === '')) {
      throw new ConfigError(`option --${t.name} needs a value`, `e.g. --${t.name} ${OPTIONS[t.name as OptionName].arg}`);
    }
    if (OPTIONS[t.name as OptionName].type === 'boolean' && t.inlineValue) {
      throw new ConfigError(`option --${t.name} takes no value`, `write --${t.name} alone`);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: parseOptions(allowed) });
  } catch (err) {
    throw new ConfigError((err as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, ''), `see \`ytwatch ${command} --help\``, { cause: err });
  }
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const str = (name: OptionName) => values[name] as string | undefined;
  const list = (name: OptionName) => (values[name] as string[] | undefined) ?? [];
  const args: CliArgs = {
    command,
    rest: positionals.slice(1),
    playlists: list('playlist'),
    channels: list('channel'),
    videos: list('video'),
    once: values.once === true,
    interval: str('interval'),
    config: str('config'),
    port: parsePort(str('port')),
    host: str('host'),
    logFormat: parseLogFormat(str('log-format')),
    json: values.json === true,
    id: str('id'),
    chat: str('chat'),
    rules: str('rules'),
    before: parseBefore(str('before')),
    help: values.help === true,
    version: values.version === true,
  };
  if (args.interval !== undefined) parseInterval(args.interval);
  if (!args.help) checkPositionals(spec.name, args.rest, spec.subcommands, spec.operands);
  return args;
}

function checkPositionals(command: string, rest: string[], subcommands: readonly string[] | undefined, operands: Readonly<Record<string, string>> = {}): void {
  if (command === 'help') {
    if (rest[0] !== undefined && !COMMANDS.some((c) => c.name === rest[0])) {
      const guess = closest(rest[0], COMMANDS.map((c) => c.name));
      throw new ConfigError(`no command "${rest[0]}"`, guess ? `did you mean \`ytwatch help ${guess}\`?` : 'see `ytwatch --help`');
    }
    return;
  }
  const [first, ...extra] = rest;
  if (first === undefined) return;
  if (!subcommands) throw new ConfigError(`unexpected argument "${first}" for \`ytwatch ${command}\``, `see \`ytwatch ${command} --help\``);
  if (!subcommands.includes(first)) {
    const guess = closest(first, subcommands);
    throw new ConfigError(`unknown ${command} command "${first}"`, guess ? `did you mean \`ytwatch ${command} ${guess}\`?` : `use one of: ${subcommands.map((s) => `\`ytwatch ${command} ${s}\``).join(', ')}`);
  }
  const operand = operands[first];
  if (operand && extra.length === 0) throw new ConfigError(`\`ytwatch ${command} ${first}\` needs a ${operand}`, `e.g. \`ytwatch ${command} ${first} <${operand}>\``);
  if (extra.length > (operand ? 1 : 0)) throw new ConfigError(`unexpected argument "${extra[operand ? 1 : 0]}" for \`ytwatch ${command} ${first}\``, `see \`ytwatch ${command} --help\``);
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new ConfigError(`bad --port ${JSON.stringify(value)}`, 'use a port number from 1 to 65535 (0 picks a free one)');
  return n;
}

function parseLogFormat(value: string | undefined): LogFormat | undefined {
  if (value === undefined || value === 'pretty' || value === 'json') return value;
  throw new ConfigError(`bad --log-format ${JSON.stringify(value)}`, 'use --log-format pretty or --log-format json');
}

function parseBefore(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const rel = /^(\d+)(m|h|d)$/.exec(value);
  if (rel) return Date.now() - Number(rel[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 'm' | 'h' | 'd'];
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ConfigError(`bad --before ${JSON.stringify(value)}`, 'use an ISO date like 2026-01-31 or 2026-01-31T12:00:00Z, or an age like 30m, 12h, 7d');
  return t;
}

/** The help text for `ytwatch help [command]` and `ytwatch <command> --help`. */
export function helpFor(args: CliArgs): string {
  const name = args.command === 'help' ? args.rest[0] : args.command;
  return name ? commandHelp(name) : commandHelp();
}
