import type Database from 'better-sqlite3';
import { openSqliteFile, storageError } from '../../engine/sqlite/file.js';
import { PidLock } from '../../engine/sqlite/pid-lock.js';
import { pacificDay } from '../../engine/core/time.js';

/**
 * Opens a SQLite file of the poller (`fetch.db`, shared by the quota ledger and the membership
 * store: two connections) through the one SQLite opener, in WAL mode, creating `schema`.
 */
export function openStoreDb(path: string, schema: string): Database.Database {
  return openSqliteFile(path, (db) => {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(schema);
  });
}

/**
 * What the poller keeps between runs, in `fetch.db` in the data folder: the quota ledger per Pacific
 * day, channels' uploads playlists (looked up once), and the ids YouTube has returned before (so a
 * video that disappears yields an "unavailable" record, while one never seen is an input error).
 */
export class FetchStore {
  private readonly db: Database.Database;
  private readonly stmt;

  private readonly lock: PidLock;

  /** Takes the data folder's fetch lock (a second fetch stage is refused with one line), then opens `path`. */
  constructor(path: string) {
    this.lock = new PidLock(`${path}.lock`, 'the fetch stage', 'run one `ytwatch fetch` (or `ytwatch run`) per data folder: it owns the quota ledger');
    this.lock.acquire();
    try {
      this.db = this.open(path);
    } catch (err) {
      this.lock.release();
      throw err;
    }
    const db = this.db;
    this.stmt = {
      addUnits: db.prepare('INSERT INTO quota (day, units) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET units = units + excluded.units'),
      units: db.prepare<[string], { units: number }>('SELECT units FROM quota WHERE day = ?'),
      channel: db.prepare<[string], { uploads: string }>('SELECT uploads FROM channels WHERE channel = ?'),
      setChannel: db.prepare('INSERT OR REPLACE INTO channels (channel, uploads) VALUES (?, ?)'),
      isKnown: db.prepare<[string], { video_id: string }>('SELECT video_id FROM known WHERE video_id = ?'),
      addKnown: db.prepare('INSERT OR IGNORE INTO known (video_id) VALUES (?)'),
    };
  }

  private open(path: string): Database.Database {
    return openStoreDb(
      path,
      `
        CREATE TABLE IF NOT EXISTS quota (day TEXT PRIMARY KEY, units INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS channels (channel TEXT PRIMARY KEY, uploads TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS known (video_id TEXT PRIMARY KEY) WITHOUT ROWID;
      `,
    );
  }

  addUnits(at: number, units: number): void {
    this.write(() => this.stmt.addUnits.run(pacificDay(at), units));
  }

  /** Units spent on the Pacific day of `at`. */
  unitsOn(at: number): number {
    return this.stmt.units.get(pacificDay(at))?.units ?? 0;
  }

  uploads(channel: string): string | undefined {
    return this.stmt.channel.get(channel)?.uploads;
  }

  setUploads(channel: string, uploads: string): void {
    this.write(() => this.stmt.setChannel.run(channel, uploads));
  }

  isKnown(videoId: string): boolean {
    return this.stmt.isKnown.get(videoId) !== undefined;
  }

  addKnown(ids: string[]): void {
    this.write(() =>
      this.db.transaction(() => {
        for (const id of ids) this.stmt.addKnown.run(id);
      })(),
    );
  }

  /** A write whose failure (a full disk, say: retriable) is a one-line {@link StorageError}. */
  private write(fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      throw storageError(err, this.db.name);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.lock.release();
  }
}
