import { isRetriable } from './errors.js';
import { sleep } from './time.js';

export interface RetryOptions {
  /** Attempts in total, the first included. Default 5. */
  attempts?: number;
  /** First back-off delay. Default 500 ms; doubles each time, capped by `maxDelayMs`. */
  baseDelayMs?: number;
  /** Default 30 s. */
  maxDelayMs?: number;
  signal?: AbortSignal;
  /**
   * An exact wait the error asks for (Telegram's `retry_after`), in ms; when it returns a number the
   * back-off is skipped and exactly that is waited.
   */
  waitFor?: (err: unknown) => number | undefined;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  random?: () => number;
}

/**
 * Runs `fn` until it succeeds, retrying only errors that say they are retriable
 * ({@link isRetriable}); anything else is thrown at once. Back-off is exponential with full jitter,
 * capped, and abortable.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isRetriable(err) || attempt >= attempts || options.signal?.aborted) throw err;
      const exact = options.waitFor?.(err);
      const delay = exact ?? Math.round(random() * Math.min(cap, base * 2 ** (attempt - 1)));
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}
