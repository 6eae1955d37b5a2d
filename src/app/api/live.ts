import type { AlertDelivery, FeedEntry } from '../history/store.js';

/** What `/events` streams: stored changes and alerts, and alerts' outcomes at the sinks (`delivery`). */
export type LiveEvent = FeedEntry | { kind: 'delivery'; id: string; videoId: string; delivery: AlertDelivery[] };

/**
 * The in-process live feed: the history stage publishes each change or alert it stored for the
 * first time, and every `GET /events` stream subscribed here receives it.
 */
export class FeedHub {
  private readonly subscribers = new Set<(entry: LiveEvent) => void>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(fn: (entry: LiveEvent) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /** Delivers to every listener; one listener's failure does not stop the others. */
  publish(entry: LiveEvent): void {
    for (const fn of this.subscribers) {
      try {
        fn(entry);
      } catch {
        this.subscribers.delete(fn);
      }
    }
  }

  get size(): number {
    return this.subscribers.size;
  }
}
