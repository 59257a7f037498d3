// Waiting for a process that a `runc run` or `runc exec` child starts: runc writes its pid file (renamed into place)
// once the process runs, or exits first with the reason in its log.
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { runcMessage } from './conmon-process.js';

/** The pid in runc's pid file, or 0 while there is none. */
async function readPid(path: string): Promise<number> {
  const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

/** Where a runc child writes its pid and log, watched from before the spawn so that no rename is missed. */
export interface RuncFiles {
  pidFile: string;
  /** runc's --log, read for its message when it exits without starting the process. */
  logFile: string;
  watcher: FSWatcher;
}

/** The pid and log files of a runc child in `dir` (its state or exec dir), with the watch on them started. */
export function watchRuncFiles(dir: string): RuncFiles {
  return { pidFile: join(dir, 'pid'), logFile: join(dir, 'runc.log'), watcher: watch(dir) };
}

export interface PidWait extends RuncFiles {
  /** runc's exit code (null when unknown). */
  exited: Promise<number | null>;
  /** The error for a start that failed with this message. */
  failure: (message: string) => Error;
  /** `runc run`, `runc exec`: for the message when runc's log says nothing. */
  command: string;
}

/** Resolves with the started process's pid; rejects with runc's message when runc exited before it started. */
export function pidWhenStarted(w: PidWait): Promise<number> {
  const name = basename(w.pidFile);
  return new Promise<number>((resolve, reject) => {
    const check = (): void =>
      void readPid(w.pidFile).then((found) => {
        if (found) resolve(found);
      });
    w.watcher.on('change', (_event, changed) => {
      if (String(changed) === name) check();
    });
    w.watcher.on('error', reject);
    check();
    void w.exited.then(async (code) => {
      const found = await readPid(w.pidFile);
      if (found) return resolve(found);
      const words = runcMessage(await readFile(w.logFile, 'utf8').catch(() => ''));
      reject(w.failure(words || `${w.command} exited ${code ?? 'abnormally'} before the process started`));
    });
  });
}
