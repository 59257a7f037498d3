// Keeps two daemons off one data root. The lock file holds the owner's pid; a lock whose pid is gone
// (the daemon was killed with -9) is taken over, so a crash never needs manual cleanup.
import { openSync, writeSync, closeSync, readFileSync, unlinkSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export class RootLock {
  private constructor(private readonly path: string) {}

  static acquire(
    dataRoot: string,
    owner: { file: string; what: string } = { file: 'berthd.lock', what: 'berthd' },
  ): RootLock {
    const path = join(dataRoot, owner.file);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        return new RootLock(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      const what = owner.what;
      if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
        throw new Error(`another ${what} (pid ${pid}) is using data root ${dataRoot}`);
      }
      // Stale: move it aside atomically so that only one contender removes it.
      try {
        renameSync(path, `${path}.stale.${process.pid}`);
        unlinkSync(`${path}.stale.${process.pid}`);
      } catch {
        /* another contender got there first; try again */
      }
    }
    throw new Error(`could not lock data root ${dataRoot}`);
  }

  release(): void {
    try {
      if (readFileSync(this.path, 'utf8').trim() === String(process.pid)) unlinkSync(this.path);
    } catch {
      /* already gone */
    }
  }
}
