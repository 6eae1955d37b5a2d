import type Database from 'better-sqlite3';
import { storageError } from '../../engine/sqlite/file.js';
import { openStoreDb } from './fetch-store.js';

/** What the poller knows of one playlist's or channel's members. */
export interface Membership {
  /** Video ids, in the playlist's order as last listed, newest discoveries first. */
  ids: string[];
  /** When the last full `playlistItems` listing happened (epoch ms). */
  listedAt: number;
}

/**
 * The members of each watched playlist and channel, kept in `fetch.db` beside the quota ledger so
 * that a restart neither pays a full listing nor forgets its new-video baseline. A target without a
 * row has not been listed yet: its first listing is the baseline and raises no "new video".
 */
export class MembershipStore {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(path: string) {
    this.db = openStoreDb(path, 'CREATE TABLE IF NOT EXISTS membership (target TEXT PRIMARY KEY, ids TEXT NOT NULL, listed_at INTEGER NOT NULL)');
    this.stmt = {
      get: this.db.prepare<[string], { ids: string; listed_at: number }>('SELECT ids, listed_at FROM membership WHERE target = ?'),
      put: this.db.prepare('INSERT OR REPLACE INTO membership (target, ids, listed_at) VALUES (?, ?, ?)'),
    };
  }

  get(target: string): Membership | undefined {
    const row = this.stmt.get.get(target);
    return row ? { ids: JSON.parse(row.ids) as string[], listedAt: row.listed_at } : undefined;
  }

  /** A failed write (a full disk, say: retriable) is a one-line `StorageError`. */
  put(target: string, m: Membership): void {
    try {
      this.stmt.put.run(target, JSON.stringify(m.ids), m.listedAt);
    } catch (err) {
      throw storageError(err, this.db.name);
    }
  }

  /** Adds ids to a target that has a baseline; returns the ids it did not hold yet. */
  add(target: string, ids: string[]): string[] {
    return this.transaction(() => {
      const m = this.get(target);
      if (!m) return [];
      const known = new Set(m.ids);
      const added = ids.filter((id) => !known.has(id));
      if (added.length > 0) this.put(target, { ids: [...added, ...m.ids], listedAt: m.listedAt });
      return added;
    });
  }

  private transaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (err) {
      throw storageError(err, this.db.name);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
