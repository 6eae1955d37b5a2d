import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { pacificDay } from '../../engine/core/time.js';

/**
 * What the poller keeps between runs, in `fetch.db` in the data folder: the quota ledger per Pacific
 * day, channels' uploads playlists (looked up once), and the ids YouTube has returned before (so a
 * video that disappears yields an "unavailable" record, while one never seen is an input error).
 */
export class FetchStore {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS quota (day TEXT PRIMARY KEY, units INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS channels (channel TEXT PRIMARY KEY, uploads TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS known (video_id TEXT PRIMARY KEY) WITHOUT ROWID;
    `);
    this.stmt = {
      addUnits: this.db.prepare('INSERT INTO quota (day, units) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET units = units + excluded.units'),
      units: this.db.prepare<[string], { units: number }>('SELECT units FROM quota WHERE day = ?'),
      channel: this.db.prepare<[string], { uploads: string }>('SELECT uploads FROM channels WHERE channel = ?'),
      setChannel: this.db.prepare('INSERT OR REPLACE INTO channels (channel, uploads) VALUES (?, ?)'),
      isKnown: this.db.prepare<[string], { video_id: string }>('SELECT video_id FROM known WHERE video_id = ?'),
      addKnown: this.db.prepare('INSERT OR IGNORE INTO known (video_id) VALUES (?)'),
    };
  }

  addUnits(at: number, units: number): void {
    this.stmt.addUnits.run(pacificDay(at), units);
  }

  /** Units spent on the Pacific day of `at`. */
  unitsOn(at: number): number {
    return this.stmt.units.get(pacificDay(at))?.units ?? 0;
  }

  uploads(channel: string): string | undefined {
    return this.stmt.channel.get(channel)?.uploads;
  }

  setUploads(channel: string, uploads: string): void {
    this.stmt.setChannel.run(channel, uploads);
  }

  isKnown(videoId: string): boolean {
    return this.stmt.isKnown.get(videoId) !== undefined;
  }

  addKnown(ids: string[]): void {
    this.db.transaction(() => {
      for (const id of ids) this.stmt.addKnown.run(id);
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
