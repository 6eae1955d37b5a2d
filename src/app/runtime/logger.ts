import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/** Diagnostics go to stderr (alerts on the console sink own stdout): pretty on a terminal, JSON otherwise. */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  const isTty = (destination as { isTTY?: boolean }).isTTY === true;
  const stream = isTty ? pretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }) : pino.destination({ fd: 2, sync: true });
  return pino({ level, base: undefined, redact: { paths: ['token', 'apiKey', '*.token', '*.apiKey'], censor: '***' } }, stream);
}
