/**
 * The history database: one query layer (Kysely) over SQLite in the data folder by default, or
 * PostgreSQL when `DATABASE_URL` is set. Opening it applies the migrations in `migrations.ts`.
 */
import { join } from 'node:path';
import { openSqliteFile } from '../../engine/sqlite/file.js';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { SqliteReadWorkerDialect } from './read-worker.js';
import pg from 'pg';
import { YtwatchError } from '../../engine/core/errors.js';
import { migrate } from './migrations.js';

/** Latest known state of each watched video, upserted from its newest snapshot. */
export interface VideosTable {
  video_id: string;
  title: string;
  channel_id: string | null;
  channel_title: string | null;
  published_at: string | null;
  /** 1 while YouTube returns the video, 0 once it reported it unavailable. */
  available: number;
  views: number | null;
  likes: number | null;
  comments: number | null;
  first_fetched: number;
  last_fetched: number;
}

/** One row per stored snapshot; primary key (video_id, fetched_at) makes re-inserts no-ops. */
export interface SnapshotsTable {
  video_id: string;
  fetched_at: number;
  views: number | null;
  likes: number | null;
  comments: number | null;
}

/** Changes and alerts, newest first for `GET /changes`; `id` is the idempotency key. */
export interface FeedTable {
  id: string;
  kind: 'change' | 'alert';
  video_id: string;
  title: string;
  at: number;
  /** The record's JSON (`VideoChange` or `Alert`). */
  data: string;
}

export interface DeliveriesTable {
  alert_id: string;
  sink: string;
  outcome: 'delivered' | 'failed';
  reason: string | null;
  at: number;
}

export interface HistorySchema {
  deliveries: DeliveriesTable;
  videos: VideosTable;
  snapshots: SnapshotsTable;
  feed: FeedTable;
}

export type Dialect = 'sqlite' | 'postgres';

export interface HistoryDb {
  db: Kysely<HistorySchema>;
  dialect: Dialect;
  /** Where it lives, for logs: the SQLite path or the PostgreSQL host/database (never a password). */
  where: string;
  /**
   * SQLite: the API's read queries, on a read-only connection in a worker thread (so a heavy query
   * cannot stall the event loop). PostgreSQL is asynchronous already and reads through `db`.
   */
  reader?: Kysely<HistorySchema>;
}

export interface OpenHistoryOptions {
  /** Data folder; the SQLite file is `history.db` in it. */
  dataDir: string;
  /** A `postgres://` URL; when set, PostgreSQL is used instead of SQLite. */
  databaseUrl?: string;
}

const INT8_OID = 20;

/**
 * Opens the history database and brings its schema up to date. BIGINT columns come back as JS
 * numbers on both dialects (counts and epoch milliseconds stay far below 2^53).
 */
export async function openHistoryDb(options: OpenHistoryOptions): Promise<HistoryDb> {
  let handle: HistoryDb;
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 5,
      connectionTimeoutMillis: 10_000,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
      },
    });
    pool.on('error', () => {});
    handle = { db: new Kysely<HistorySchema>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres', where: describeUrl(options.databaseUrl) };
  } else {
    const path = join(options.dataDir, 'history.db');
    const sqlite = openSqliteFile(path, (db) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
    });
    handle = { db: new Kysely<HistorySchema>({ dialect: new SqliteDialect({ database: sqlite }) }), dialect: 'sqlite', where: path };
  }
  try {
    await migrate(handle.db);
    if (handle.dialect === 'sqlite') {
      handle.reader = new Kysely<HistorySchema>({ dialect: new SqliteReadWorkerDialect(handle.where) });
      await sql`select 1`.execute(handle.reader);
    }
  } catch (err) {
    await handle.reader?.destroy().catch(() => {});
    await handle.db.destroy().catch(() => {});
    if (err instanceof YtwatchError) throw err;
    throw new YtwatchError(`history database ${handle.where}: ${(err as Error).message}`, {
      retriable: false,
      cause: err,
      hint: handle.dialect === 'postgres' ? 'check DATABASE_URL (host, credentials, database) and that PostgreSQL runs' : 'check that YTWATCH_DATA_DIR is writable',
    });
  }
  return handle;
}

/** `postgres://user:secret@host:5432/db` → `postgres://host:5432/db`: no credentials in logs. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'postgres (unparsable DATABASE_URL)';
  }
}
