/** Time helpers that can be cancelled. Clocks are passed in where tests need to control them. */

export type Clock = () => number;
export const systemClock: Clock = () => Date.now();

/** The longest single `setTimeout` Node honours (2^31−1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The longest wait {@link sleep} performs: 366 days. Longer (or infinite) values are clamped to it;
 * NaN and negative values wait 0. Waits over {@link MAX_TIMER_MS} are chained timers, never one.
 */
export const MAX_SLEEP_MS = 366 * 86_400_000;

/** Clamps a wait to 0 … {@link MAX_SLEEP_MS}; NaN becomes 0. */
export function boundedDelay(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(ms, MAX_SLEEP_MS);
}

/**
 * Lets the event loop run what is waiting (I/O callbacks, a commit's next step) before going on: a
 * long synchronous loop calls it every few thousand items so it does not stall the rest.
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Resolves after `ms` (bounded by {@link boundedDelay}), or rejects with the signal's reason when
 * aborted; every timer is cleared. The one wait every loop, retry and pacing step goes through.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const end = Date.now() + boundedDelay(ms);
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const arm = () => {
      const left = end - Date.now();
      if (left <= 0) {
        signal?.removeEventListener('abort', onAbort);
        return resolve();
      }
      timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // The first timer uses the exact delay so short sleeps behave exactly as before.
    timer = setTimeout(arm, Math.min(boundedDelay(ms), MAX_TIMER_MS));
  });
}

/** The calendar day (YYYY-MM-DD) in Pacific Time, when YouTube's daily quota resets. */
export function pacificDay(at: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Los_Angeles',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** Epoch ms of the next midnight in Pacific Time after `at`. */
export function nextPacificMidnight(at: number): number {
  const today = pacificDay(at);
  // Step forward by hours until the Pacific day changes, then back to the exact minute boundary.
  let t = at - (at % 3_600_000) + 3_600_000;
  while (pacificDay(t) === today) t += 3_600_000;
  let lo = t - 3_600_000;
  while (t - lo > 1000) {
    const mid = lo + Math.floor((t - lo) / 2);
    if (pacificDay(mid) === today) lo = mid;
    else t = mid;
  }
  return t - (t % 1000);
}
