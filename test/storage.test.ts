/** Issue 17, items 8–10 and 13: the data folder's files, the lock, and SQLite failures. */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openHistoryDb } from '../src/app/history/db.js';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import { openSqliteFile, privateDir, StorageError, storageError } from '../src/engine/sqlite/file.js';
import { PidLock } from '../src/engine/sqlite/pid-lock.js';
import { FetchStore } from '../src/app/youtube/fetch-store.js';
import { scratch } from './helpers/cli.js';

const mode = (p: string) => statSync(p).mode & 0o777;

describe('item 9: permissions', () => {
  it('creates the data folder 0700 and every database file 0600', async () => {
    const s = scratch();
    try {
      const dir = join(s.dataDir, 'new');
      const log = new SqliteLog({ path: join(dir, 'log.db') });
      await log.ensureTopics([{ name: 't', partitions: 1 }]);
      await log.produce([{ topic: 't', key: 'k', value: 'v' }]);
      const fetch = new FetchStore(join(dir, 'fetch.db'));
      fetch.addUnits(0, 1);
      const history = await openHistoryDb({ dataDir: dir });
      assert.equal(mode(dir), 0o700);
      for (const f of ['log.db', 'log.db-wal', 'log.db-shm', 'fetch.db', 'history.db']) {
        if (existsSync(join(dir, f))) assert.equal(mode(join(dir, f)), 0o600, f);
      }
      await history.db.destroy();
      fetch.close();
      await log.close();
    } finally {
      s.cleanup();
    }
  });

  it('leaves a shared (sticky) folder as it is', () => {
    const s = scratch();
    try {
      const dir = join(s.dataDir, 'shared');
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o1777);
      privateDir(dir);
      assert.equal(statSync(dir).mode & 0o7777, 0o1777);
    } finally {
      s.cleanup();
    }
  });

  it('tightens an existing 0755 data folder and 0644 files', () => {
    const s = scratch();
    try {
      const dir = join(s.dataDir, 'old');
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      chmodSync(dir, 0o755);
      writeFileSync(join(dir, 'fetch.db'), '', { mode: 0o644 });
      chmodSync(join(dir, 'fetch.db'), 0o644);
      new FetchStore(join(dir, 'fetch.db')).close();
      assert.equal(mode(dir), 0o700);
      assert.equal(mode(join(dir, 'fetch.db')), 0o600);
    } finally {
      s.cleanup();
    }
  });
});

describe('item 10: one place opens SQLite files', () => {
  for (const file of ['log.db', 'history.db', 'fetch.db']) {
    it(`a damaged ${file} is one line naming the fix`, async () => {
      const s = scratch();
      try {
        privateDir(s.dataDir);
        writeFileSync(join(s.dataDir, file), 'this is not a database '.repeat(400));
        const open = async () => {
          if (file === 'log.db') await new SqliteLog({ path: join(s.dataDir, file) }).close();
          else if (file === 'fetch.db') new FetchStore(join(s.dataDir, file)).close();
          else await (await openHistoryDb({ dataDir: s.dataDir })).db.destroy();
        };
        const err = await open().then(() => undefined, (e: unknown) => e);
        assert.ok(err instanceof StorageError, String(err));
        assert.match((err as StorageError).message, new RegExp(`${file} is damaged`));
        assert.match((err as StorageError).hint!, /move .* out of the data folder/);
      } finally {
        s.cleanup();
      }
    });
  }

  it('refuses a file owned by another user', () => {
    const s = scratch();
    try {
      privateDir(s.dataDir);
      const path = join(s.dataDir, 'fetch.db');
      writeFileSync(path, '');
      try {
        chownSync(path, 12345, 12345);
      } catch {
        return; // not root: cannot hand the file to another user here
      }
      assert.throws(() => openSqliteFile(path), /belongs to another user \(uid 12345\)/);
    } finally {
      s.cleanup();
    }
  });

  it('does not follow a symbolic link to a database', () => {
    const s = scratch();
    try {
      privateDir(s.dataDir);
      const target = join(s.dataDir, 'elsewhere');
      writeFileSync(target, 'keep me');
      symlinkSync(target, join(s.dataDir, 'fetch.db'));
      assert.throws(() => openSqliteFile(join(s.dataDir, 'fetch.db')), /is a symbolic link/);
      assert.equal(readFileSync(target, 'utf8'), 'keep me');
    } finally {
      s.cleanup();
    }
  });

  it('a full disk is retriable and says so', () => {
    const err = storageError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), '/d/log.db');
    assert.ok(err instanceof StorageError);
    assert.equal(err.retriable, true);
    assert.match(err.message, /disk full writing \/d\/log.db/);
  });
});

describe('item 8: lock files', () => {
  it('a lock replaced by a symbolic link is refused, never written through', () => {
    const s = scratch();
    try {
      privateDir(s.dataDir);
      const victim = join(s.dataDir, 'victim');
      writeFileSync(victim, '999999999'); // a dead pid: a plain stale lock would be taken over
      symlinkSync(victim, join(s.dataDir, 'fetch.db.lock'));
      assert.throws(() => new FetchStore(join(s.dataDir, 'fetch.db')), (err: unknown) => err instanceof StorageError && /fetch\.db\.lock is a symbolic link/.test(err.message));
      assert.equal(readFileSync(victim, 'utf8'), '999999999');
    } finally {
      s.cleanup();
    }
  });

  it('a stale lock (dead pid) is taken over; a live one refused with one line', () => {
    const s = scratch();
    try {
      privateDir(s.dataDir);
      const path = join(s.dataDir, 'x.lock');
      writeFileSync(path, '999999999');
      const lock = new PidLock(path, 'the thing', 'stop it');
      lock.acquire();
      assert.equal(readFileSync(path, 'utf8'), String(process.pid));
      assert.equal(mode(path), 0o600);
      lock.release();
      assert.equal(existsSync(path), false);
      writeFileSync(path, String(process.ppid));
      assert.throws(() => new PidLock(path, 'the thing', 'stop it').acquire(), new RegExp(`the thing already runs in process ${process.ppid} on this data folder`));
    } finally {
      s.cleanup();
    }
  });
});
