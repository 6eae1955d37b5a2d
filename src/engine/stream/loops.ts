import { describeError } from '../core/errors.js';
import { sleep } from '../core/time.js';
import type { Processor } from './processor.js';

/** The part of a logger the loops use (pino's shape). */
export interface LoopLogger {
  error(obj: object, msg: string): void;
}

/**
 * Keeps a processor consuming until `stop`. A failed batch is retried from the last commit with
 * capped exponential back-off; `abort` cancels the batch in flight.
 */
export async function consumeLoop(name: string, processor: Processor<unknown>, stop: AbortSignal, abort: AbortSignal, logger: LoopLogger): Promise<void> {
  let failures = 0;
  while (!stop.aborted) {
    try {
      await processor.step(abort, 500);
      failures = 0;
    } catch (err) {
      if (abort.aborted) return;
      failures++;
      logger.error({ stage: name, err: describeError(err) }, 'batch failed; retrying from the last commit');
      await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)), stop).catch(() => {});
    }
  }
}

/**
 * Runs loops side by side until `stop`; when one fails, the others are stopped too and the first
 * failure is rethrown once all have returned.
 */
export async function runTogether(stop: AbortSignal, abort: AbortSignal, loops: Array<(stop: AbortSignal, abort: AbortSignal) => Promise<void>>): Promise<void> {
  const failed = new AbortController();
  const halt = AbortSignal.any([stop, failed.signal]);
  const results = await Promise.allSettled(
    loops.map((loop) =>
      loop(halt, abort).catch((err: unknown) => {
        failed.abort(err);
        throw err;
      }),
    ),
  );
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}
