import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { LogError } from '../../core/log.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One member per consumer group on the embedded log, across processes: a lock file beside the
 * database holding the member's pid. A lock left by a dead process (kill -9) is taken over.
 */
export class GroupLock {
  private held = false;

  constructor(private readonly path: string) {}

  static for(dbPath: string, group: string): GroupLock {
    return new GroupLock(`${dbPath}.${encodeURIComponent(group)}.lock`);
  }

  acquire(group: string): void {
    try {
      writeFileSync(this.path, String(process.pid), { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(this.path, 'utf8'));
      if (pid !== process.pid && Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new LogError(`consumer group ${group} already runs in process ${pid} on this data folder`, false, {
          hint: 'run one ytwatch process per stage on a data folder (scale out with KAFKA_BROKERS)',
        });
      }
      writeFileSync(this.path, String(process.pid), { mode: 0o600 });
    }
    this.held = true;
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    try {
      if (Number(readFileSync(this.path, 'utf8')) === process.pid) unlinkSync(this.path);
    } catch {
      // Already gone.
    }
  }
}
