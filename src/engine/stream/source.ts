import { sleep } from '../core/time.js';

/**
 * Where records enter a pipeline from outside, beside `Processor` (log → log) and the app's sinks
 * (log → outside). A poller (ytwatch's YouTube fetch) pulls on a schedule; a push source (a webhook
 * receiver, a subscription) appends as events arrive. Either appends to the log itself, and says in
 * its doc comment what it guarantees.
 */
export interface Source {
  readonly name: string;
  /** Appends until `stop`; `abort` cancels work in flight. Rejects on a fatal error (bad credentials). */
  run(stop: AbortSignal, abort: AbortSignal): Promise<void>;
  /** Asks for the next pull now instead of after the wait (a push source may ignore it). */
  wake(): void;
}

/** A wait that {@link wake} ends early: the sleep of a poller that can be woken. */
export class Wakeup {
  private early = new AbortController();

  /** Waits `ms`, or less when woken or stopped. Never rejects. */
  async sleep(ms: number, stop: AbortSignal): Promise<void> {
    await sleep(ms, AbortSignal.any([stop, this.early.signal])).catch(() => {});
    if (this.early.signal.aborted) this.early = new AbortController();
  }

  wake(): void {
    this.early.abort();
  }
}
