/**
 * The one place that opens ytwatch's SQLite files (`log.db`, `history.db`, `fetch.db`): a private
 * data folder (0700, an existing looser one tightened), files created 0600 and never through a
 * symbolic link, refused when another user owns them, and SQLite's failures (a damaged file, a full
 * disk, no permission) turned into one line naming the fix.
 */
import { chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import Database from 'better-sqlite3';
import { YtwatchError } from '../core/errors.js';

/** A SQLite file could not be opened or written. `retriable` when the disk is full (space may come back). */
export class StorageError extends YtwatchError {
  override name = 'StorageError';
}

const uid = (): number | undefined => process.getuid?.();

/**
 * Creates `dir` (and its parents) 0700, or tightens an existing one this user owns to 0700. A
 * shared folder (sticky bit, like /tmp) is left as it is.
 */
export function privateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    const shared = (st.mode & 0o1000) !== 0;
    if ((st.mode & 0o077) !== 0 && st.uid === uid() && !shared) chmodSync(dir, st.mode & 0o6700);
  } catch (err) {
    throw storageError(err, dir);
  }
}

/** Sets `path` to 0600 when it exists, is a regular file and this user owns it. */
function tighten(path: string): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (st.isFile() && (st.mode & 0o077) !== 0 && st.uid === uid()) chmodSync(path, 0o600);
}

/**
 * Opens (creating when missing) the SQLite file at `path` and runs `init` on it (pragmas, schema);
 * any failure there closes the file and becomes a {@link StorageError}.
 */
export function openSqliteFile(path: string, init: (db: Database.Database) => void = () => {}): Database.Database {
  privateDir(dirname(path));
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  } catch (err) {
    throw storageError(err, path);
  }
  try {
    const st = fstatSync(fd);
    const me = uid();
    if (me !== undefined && st.uid !== me) {
      throw new StorageError(`${path} belongs to another user (uid ${st.uid})`, { hint: `run ytwatch as the owner of the data folder, or \`chown\` it to uid ${me}` });
    }
  } finally {
    closeSync(fd);
  }
  for (const f of [path, `${path}-wal`, `${path}-shm`]) tighten(f);
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    init(db);
    return db;
  } catch (err) {
    db?.close();
    throw storageError(err, path);
  }
}

/**
 * SQLite's and the file system's failures as one line naming the fix; other errors unchanged.
 * A full disk is retriable: the write can succeed once space is freed.
 */
export function storageError(err: unknown, path: string): unknown {
  if (err instanceof YtwatchError) return err;
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return err;
  const name = basename(path);
  const message = (err as Error).message.split('\n')[0];
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return new StorageError(`disk full writing ${path}`, { retriable: true, cause: err, hint: 'free space on the disk that holds YTWATCH_DATA_DIR (a running ytwatch retries and resumes by itself)' });
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StorageError(`${path} is damaged (${message})`, { cause: err, hint: `stop ytwatch, move ${name} (and ${name}-wal, ${name}-shm) out of the data folder and start again, or restore them from a backup` });
  }
  if (code === 'ELOOP') {
    return new StorageError(`${path} is a symbolic link`, { cause: err, hint: 'ytwatch does not follow links in its data folder: replace the link with the file, or point YTWATCH_DATA_DIR at the real folder' });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code.startsWith('SQLITE_IOERR')) {
    return new StorageError(`cannot use ${path}: ${message}`, { cause: err, hint: 'check that YTWATCH_DATA_DIR is a folder this user can write' });
  }
  return err;
}
