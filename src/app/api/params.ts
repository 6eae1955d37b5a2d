/** Parsing of query parameters the JSON schemas cannot express: times and durations. */

import { durationMs } from '../../engine/core/duration.js';

/** A bad query parameter; the API answers 400 with the message. */
export class BadParameter extends Error {
  override name = 'BadParameter';
  readonly statusCode = 400;
}

const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** Numbers below this are epoch seconds (until the year 5138); above, epoch milliseconds. */
const SECONDS_LIMIT = 1e11;
/** The largest time JavaScript dates (and the stores' integers) hold: year 275760. */
const MAX_TIME = 8.64e15;

/**
 * Epoch milliseconds from an ISO-8601 date-time (`2025-01-31T12:00:00Z`, `2025-01-31`) or an epoch
 * number in seconds or milliseconds (told apart by size). `undefined` yields `fallback`.
 */
export function parseTime(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    const ms = Math.round(n < SECONDS_LIMIT ? n * 1000 : n);
    if (ms <= MAX_TIME) return ms;
  } else if (ISO.test(v)) {
    const t = Date.parse(v);
    if (Number.isFinite(t) && t >= 0 && t <= MAX_TIME) return t;
  }
  throw new BadParameter(`${name}: expected an ISO-8601 date-time or epoch seconds/milliseconds, got ${JSON.stringify(value.slice(0, 40))}`);
}

/** Milliseconds from a duration: `300` (seconds), `30s`, `5m`, `1h`, `1d`, `1w`, `500ms`. */
export function parseDuration(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = durationMs(value) ?? NaN;
  if (!Number.isFinite(ms) || ms < 1) throw new BadParameter(`${name}: expected a positive duration like 300, 30s, 5m, 1h or 1d, got ${JSON.stringify(value.slice(0, 40))}`);
  return Math.round(ms);
}
