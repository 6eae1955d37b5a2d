import type { Alert } from '../core/events.js';

/** One alert a sink could not deliver, and why (permanent error, or retries used up). */
/** Records that these alerts reached the sink. */
export type OnSent = (alerts: Alert[]) => Promise<void>;

export interface Failure {
  alert: Alert;
  reason: string;
}

/**
 * The contract of every alert sink (console, Telegram, webhook). `deliver` retries what is worth
 * retrying itself, honours rate limits, and resolves with the alerts it gave up on; it rejects only
 * when aborted. The notify stage dead-letters the failures and commits after `deliver` resolved.
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
