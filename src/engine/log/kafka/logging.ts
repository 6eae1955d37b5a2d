import type { NativeError, NativeLogEvent } from './native.js';
import type { KafkaLogger } from './options.js';

interface Loggable {
  on(event: 'event.log', listener: (log: NativeLogEvent) => void): void;
  on(event: 'event.error', listener: (err: NativeError) => void): void;
}

/** Listeners for a client's `event.log` and `event.error`. */
export interface LogHandlers {
  'event.log': (log: NativeLogEvent) => void;
  'event.error': (err: NativeError) => void;
}

/**
 * librdkafka's warnings and errors for `logger`. Dropped: warnings librdkafka says it is retrying by
 * itself, error events other than fatal ones (librdkafka logs their cause too), and repeats of a
 * message within `quietMs` (a broker outage would otherwise log every reconnect attempt).
 */
export function logHandlers(logger: KafkaLogger, role: string, quietMs = 60_000): LogHandlers {
  const last = new Map<string, number>();
  const emit = (text: string) => {
    const now = Date.now();
    const seen = last.get(text);
    if (seen !== undefined && now - seen < quietMs) return;
    if (last.size > 200) last.clear();
    last.set(text, now);
    logger.warn(`${role}: ${text}`);
  };
  return {
    'event.log': (log) => {
      if (log.severity > 4 || (log.severity === 4 && /retrying\.?$/.test(log.message))) return;
      emit(`${log.fac}: ${log.message}`);
    },
    'event.error': (err) => {
      if (err.isFatal) emit(`fatal: ${err.message}`);
    },
  };
}

/** Attaches {@link logHandlers} to a producer or consumer. */
export function routeLogs(client: Loggable, logger: KafkaLogger, role: string): void {
  const handlers = logHandlers(logger, role);
  client.on('event.log', handlers['event.log']);
  client.on('event.error', handlers['event.error']);
}
