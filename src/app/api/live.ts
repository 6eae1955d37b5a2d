import type { FeedEntry } from '../history/store.js';

/**
 * The in-process live feed: the history stage publishes each change or alert it stored for the
 * first time, and every `GET /events` stream subscribed here receives it.
 */
export class FeedHub {
  private readonly subscribers = new Set<(entry: FeedEntry) => void>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(fn: (entry: FeedEntry) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /** Delivers to every listener; one listener's failure does not stop the others. */
  publish(entry: FeedEntry): void {
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
