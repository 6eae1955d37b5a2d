import { setTimeout as delay } from 'node:timers/promises';

export interface EventuallyOptions {
  /** Give up after this long. Default 15 s. */
  timeoutMs?: number;
  /** Pause between two probes. Default 100 ms. */
  intervalMs?: number;
  /** The rejection's message, built when it gives up (so it can show the last state seen). */
  what?: () => string;
}

/**
 * Probes until `probe` returns a truthy value and resolves with it; rejects after `timeoutMs`.
 * A probe that throws rejects at once (wrap it when a failure only means "not yet").
 * Instead of sleeps: tests wait for a condition, never for a fixed time.
 */
export async function eventually<T>(probe: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<Exclude<Awaited<T>, false | null | undefined>> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Exclude<Awaited<T>, false | null | undefined>;
    if (Date.now() > deadline) throw new Error(options.what?.() ?? `condition not met within ${timeoutMs} ms`);
    await delay(options.intervalMs ?? 100);
  }
}
