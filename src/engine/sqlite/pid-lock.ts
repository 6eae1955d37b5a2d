import { closeSync, constants, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { YtwatchError } from '../core/errors.js';
import { dirname } from 'node:path';
import { privateDir, storageError } from './file.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads the pid in a lock file without following a symbolic link; undefined when it is gone. */
function readPid(path: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return Number(readFileSync(fd, 'utf8'));
  } finally {
    closeSync(fd);
  }
}

/** Creates the lock file holding our pid; false when it already exists. Never through a link (O_EXCL). */
function create(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, String(process.pid));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * One process at a time for something on a data folder (a consumer group, the fetch stage): a lock
 * file holding the owner's pid. A lock left by a dead process (kill -9) is taken over by removing it
 * and creating a new one; a symbolic link in its place is refused, never written through.
 */
export class PidLock {
  private held = false;

  /** `what` names the owner in the refusal ("consumer group x"), `hint` the fix. */
  constructor(
    private readonly path: string,
    private readonly what: string,
    private readonly hint: string,
    private readonly makeError: (message: string, hint: string) => Error = (m, h) => new YtwatchError(m, { hint: h }),
  ) {}

  acquire(): void {
    privateDir(dirname(this.path));
    try {
      for (let tries = 0; !create(this.path); tries++) {
        const pid = readPid(this.path);
        if (pid !== undefined && pid !== process.pid && Number.isInteger(pid) && pid > 0 && alive(pid)) {
          throw this.makeError(`${this.what} already runs in process ${pid} on this data folder`, this.hint);
        }
        if (tries >= 3) throw this.makeError(`cannot take the lock ${this.path}`, 'another process keeps recreating it; stop the other ytwatch');
        if (pid !== undefined) unlinkSync(this.path); // stale (dead owner, or ours from before)
      }
    } catch (err) {
      if (err instanceof Error && !('code' in err)) throw err;
      throw storageError(err, this.path);
    }
    this.held = true;
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    try {
      if (readPid(this.path) === process.pid) unlinkSync(this.path);
    } catch {
      // Already gone, or not ours any more.
    }
  }
}
