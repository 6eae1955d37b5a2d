import { YtwatchError, isRetriable } from './errors.js';
import { sleep } from './time.js';

/** The longest exact wait (`retry_after`, `Retry-After`) {@link retry} honours by default: 1 hour. */
export const MAX_EXACT_WAIT_MS = 3_600_000;

/** A server asked for a wait longer than the caller allows; the work is given up (dead-lettered), not hammered. */
export class WaitTooLongError extends YtwatchError {
  override name = 'WaitTooLongError';
  constructor(cause: unknown, waitMs: number, maxMs: number) {
    const what = cause instanceof Error ? cause.message : String(cause);
    super(`${what}; asked to wait ${Math.round(waitMs / 1000)} s, over the ${Math.round(maxMs / 1000)} s maximum`, { retriable: false, cause });
  }
}

export interface RetryOptions {
  /** Attempts in total, the first included. Default 5, or unlimited when `deadlineMs` is set. */
  attempts?: number;
  /** Stops retrying once this many ms passed since the first attempt (a deadline instead of a count). */
  deadlineMs?: number;
  /** Which errors are worth another attempt. Default: those that say they are ({@link isRetriable}). */
  retryIf?: (err: unknown) => boolean;
  /** First back-off delay. Default 500 ms; doubles each time, capped by `maxDelayMs`. */
  baseDelayMs?: number;
  /** Default 30 s. */
  maxDelayMs?: number;
  signal?: AbortSignal;
  /**
   * An exact wait the error asks for (Telegram's `retry_after`), in ms; when it returns a number the
   * back-off is skipped and exactly that is waited. Such waits do not use up `attempts` (a rate
   * limit is not a failure), up to `maxWaits` of them (default 100).
   */
  waitFor?: (err: unknown) => number | undefined;
  maxWaits?: number;
  /** The longest exact wait honoured; a longer one throws {@link WaitTooLongError}. Default {@link MAX_EXACT_WAIT_MS}. */
  maxWaitMs?: number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  random?: () => number;
}

/** Retry options for a fixed pause of `ms` between attempts (no back-off, no jitter). */
export function steady(ms: number): Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'> {
  return { baseDelayMs: ms, maxDelayMs: ms, random: () => 1 };
}

/**
 * Runs `fn` until it succeeds, retrying only errors that say they are retriable
 * ({@link isRetriable}); anything else is thrown at once. Back-off is exponential with full jitter,
 * capped, and abortable.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? (options.deadlineMs !== undefined ? Infinity : 5);
  const retryIf = options.retryIf ?? isRetriable;
  const started = Date.now();
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  let waits = 0;
  for (let attempt = 1, failures = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const exact = options.waitFor?.(err);
      if (exact !== undefined) waits++;
      else failures++;
      const expired = options.deadlineMs !== undefined && Date.now() - started > options.deadlineMs;
      const exhausted = expired || (exact !== undefined ? waits > (options.maxWaits ?? 100) : failures >= attempts);
      if (!retryIf(err) || exhausted || options.signal?.aborted) throw err;
      const maxWait = options.maxWaitMs ?? MAX_EXACT_WAIT_MS;
      if (exact !== undefined && !(exact <= maxWait)) throw new WaitTooLongError(err, exact, maxWait);
      const delay = exact ?? Math.round(random() * Math.min(cap, base * 2 ** (failures - 1)));
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}
