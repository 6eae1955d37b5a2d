/** Time helpers that can be cancelled. Clocks are passed in where tests need to control them. */

export type Clock = () => number;
export const systemClock: Clock = () => Date.now();

/** Resolves after `ms`, or rejects with the signal's reason when aborted; the timer is always cleared. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
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
