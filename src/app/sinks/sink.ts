import type { Alert } from '../core/events.js';

/** Records that these alerts reached the sink. */
export type OnSent = (alerts: Alert[]) => Promise<void>;

/** `onSent` failed: the alerts were sent but not recorded. Not a delivery failure; rethrown as its cause. */
export class RecordFailed extends Error {
  constructor(readonly error: unknown) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** `onSent` whose failures are marked {@link RecordFailed}, so a sink's error handling can let them through. */
export function markRecordFailures(onSent?: OnSent): OnSent | undefined {
  return onSent && (async (alerts) => {
    try {
      await onSent(alerts);
    } catch (err) {
      throw new RecordFailed(err);
    }
  });
}

/** One alert a sink could not deliver, and why (permanent error, or retries used up). */
export interface Failure {
  alert: Alert;
  reason: string;
}

/**
 * The contract of every alert sink (console, Telegram, webhook). `deliver` retries what is worth
 * retrying itself, honours rate limits, and resolves with the alerts it gave up on; it rejects only
 * when aborted, or with `onSent`'s error when a send could not be recorded (a full disk): the batch
 * is then retried, and what was recorded in memory is not sent again. The notify stage dead-letters the failures and commits after `deliver` resolved.
 */
export interface Sink {
  readonly name: string;
  /** Where it delivers, for people (`chat 42`, a webhook's host); never a secret. */
  readonly target?: string;
  /**
   * `onSent` must be awaited right after each successful send with the alerts that send carried,
   * so a crash afterwards does not send them again.
   */
  deliver(alerts: Alert[], signal: AbortSignal, onSent?: OnSent): Promise<Failure[]>;
  close?(): Promise<void>;
}
