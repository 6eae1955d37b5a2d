import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/** How diagnostics are written: one readable line each, or one JSON object per line. */
export type LogFormat = 'pretty' | 'json';

/** `pretty` on a terminal, `json` otherwise (log collectors, journald, files). */
export function defaultLogFormat(destination: NodeJS.WritableStream = process.stderr): LogFormat {
  return (destination as { isTTY?: boolean }).isTTY === true ? 'pretty' : 'json';
}

/**
 * Diagnostics go to stderr (alerts on the console sink own stdout). `pretty`: local clock time and
 * a message per line; `json`: pino's JSON lines with ISO-8601 `time`. Secrets are redacted.
 */
export function createLogger(level: string, format: LogFormat = defaultLogFormat()): Logger {
  const colorize = (process.stderr as { isTTY?: boolean }).isTTY === true;
  const stream = format === 'pretty'
    ? pretty({ destination: 2, sync: true, colorize, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' })
    : pino.destination({ fd: 2, sync: true });
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: ['token', 'apiKey', '*.token', '*.apiKey'], censor: '***' } }, stream);
}
